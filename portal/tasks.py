"""A task backend that runs tasks in a background thread of the same process (``TASKS`` in settings).

django-tasks ships an immediate backend, which would send a lead's e-mails inside the request that sent
the lead — seconds for an alliance-wide lead, during which the sender waits and the websocket pushes of
the same process queue behind it. This backend hands each task to one worker thread per process and
returns at once; the task starts once the enqueuing transaction has committed.

Two kinds of task run here: e-mail for notifications and Wagtail's admin-search indexing. Neither is lost
for good if a crash interrupts it: the e-mail task is idempotent and ``manage.py notifications_email``
(cron) sends whatever is still unsent; ``manage.py update_index`` rebuilds the admin search index. Tests use
the immediate backend, so that what a request enqueued has happened when the request returns.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, transaction
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
        # After the enqueuing transaction commits (at once outside one): the worker has a connection of
        # its own and must see what the task is about. Wagtail's search indexing enqueues from post_save.
        transaction.on_commit(lambda: _worker().submit(self._run, result))
        return result

    def _run(self, result: TaskResult) -> None:
        close_old_connections()
        try:
            self._execute_task(result)  # records a failure on the result, as the immediate backend does
        finally:
            close_old_connections()


def wait_for_background_tasks(timeout: float = 60) -> None:
    """Block until every task handed to this process's worker so far has run (commands that must finish
    what they started before they exit or change settings back, such as ``seed_demo``)."""
    _worker().submit(lambda: None).result(timeout=timeout)
