"""Background tasks run after the request, in a worker thread of the process (portal/tasks.py)."""

import threading

import pytest
from django_tasks import task
from django_tasks.base import TaskResultStatus

from portal import tasks

pytestmark = pytest.mark.django_db

ran_in: list[str] = []


@task()
def remember_thread(label):
    ran_in.append(f"{label}:{threading.current_thread().name}")
    return label


@task()
def fail():
    raise ValueError("boom")


def flush():
    tasks.wait_for_background_tasks(timeout=10)


@pytest.fixture
def backend():
    ran_in.clear()
    return tasks.BackgroundThreadBackend("default", {"QUEUES": [], "OPTIONS": {}})


def test_enqueue_returns_before_the_task_runs_and_it_runs_in_the_worker(
    backend, django_capture_on_commit_callbacks
):
    gate = threading.Event()
    tasks._worker().submit(gate.wait, 10)  # hold the worker so the task cannot have run yet
    with django_capture_on_commit_callbacks(execute=True):
        result = backend.enqueue(remember_thread, ["first"], {})
    assert result.status == TaskResultStatus.READY
    assert ran_in == []
    gate.set()
    flush()
    assert len(ran_in) == 1
    assert ran_in[0].startswith("first:portal-tasks")
    assert result.status == TaskResultStatus.SUCCESSFUL


def test_a_task_starts_only_when_the_enqueuing_transaction_commits(
    backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        backend.enqueue(remember_thread, ["inside"], {})
    flush()
    assert ran_in == []  # not committed: the worker could not yet see what the task is about
    for callback in callbacks:  # the commit
        callback()
    flush()
    assert len(ran_in) == 1


def test_a_failing_task_is_recorded_and_the_worker_goes_on(backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        failed = backend.enqueue(fail, [], {})
        after = backend.enqueue(remember_thread, ["after"], {})
    flush()
    assert failed.status == TaskResultStatus.FAILED
    assert "ValueError" in failed.errors[0].exception_class_path
    assert after.status == TaskResultStatus.SUCCESSFUL
