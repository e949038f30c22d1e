"""Background tasks run after the request, in a worker thread of the process (portal/tasks.py)."""

import threading

import pytest
from django.db import transaction
from django_tasks import task
from django_tasks.base import TaskResultStatus

from portal import tasks

# No test transaction around these: a task is handed to the worker when the enqueuing transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

ran_in: list[str] = []


@task()
def remember_thread(label):
    ran_in.append(f"{label}:{threading.current_thread().name}")
    return label


@task()
def fail():
    raise ValueError("boom")


def flush():
    tasks._worker().submit(lambda: None).result(timeout=10)


@pytest.fixture
def backend():
    return tasks.BackgroundThreadBackend("default", {"QUEUES": [], "OPTIONS": {}})


def test_enqueue_returns_before_the_task_runs_and_it_runs_in_the_worker(backend):
    ran_in.clear()
    gate = threading.Event()
    tasks._worker().submit(gate.wait, 10)  # hold the worker so the task cannot have run yet
    result = backend.enqueue(remember_thread, ["first"], {})
    assert result.status == TaskResultStatus.READY
    assert ran_in == []
    gate.set()
    flush()
    assert len(ran_in) == 1
    assert ran_in[0].startswith("first:portal-tasks")
    assert result.status == TaskResultStatus.SUCCESSFUL


def test_a_failing_task_is_recorded_and_the_worker_goes_on(backend):
    ran_in.clear()
    failed = backend.enqueue(fail, [], {})
    after = backend.enqueue(remember_thread, ["after"], {})
    flush()
    assert failed.status == TaskResultStatus.FAILED
    assert "ValueError" in failed.errors[0].exception_class_path
    assert after.status == TaskResultStatus.SUCCESSFUL


def test_a_task_enqueued_in_a_transaction_starts_after_the_commit(backend):
    ran_in.clear()
    with transaction.atomic():
        backend.enqueue(remember_thread, ["inside"], {})
        flush()
        assert ran_in == []  # the worker could not yet see what the task is about
    flush()
    assert len(ran_in) == 1


def test_a_task_of_a_rolled_back_transaction_never_runs(backend):
    ran_in.clear()
    with transaction.atomic():
        backend.enqueue(remember_thread, ["doomed"], {})
        transaction.set_rollback(True)
    flush()
    assert ran_in == []
