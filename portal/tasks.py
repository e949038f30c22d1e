"""A task backend that runs tasks in a background thread of the same process (``TASKS`` in settings).

django-tasks ships an immediate backend, which would send a lead's e-mails inside the request that sent
the lead — seconds for an alliance-wide lead, during which the sender waits and the websocket pushes of
the same process queue behind it. This backend hands each task to one worker thread per process and
returns at once. A task that a crash interrupts is not lost: the only task, e-mail for notifications, is
idempotent, and ``manage.py notifications_email`` (run from cron) sends whatever is still unsent. Tests
use the immediate backend, so that what a request enqueued has happened when the request returns.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _worker() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-tasks")
        return _executor


class BackgroundThreadBackend(ImmediateBackend):
    def enqueue(self, task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        _worker().submit(self._run, result)
        return result

    def _run(self, result: TaskResult) -> None:
        close_old_connections()
        try:
            self._execute_task(result)  # records a failure on the result, as the immediate backend does
        finally:
            close_old_connections()
