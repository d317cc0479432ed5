"""The worker enqueues the sweep once per SWEEP_EVERY, however many workers ask."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tongban.core.tests.concurrency import run_together

from ..schedule import SWEEP_EVERY, SweepScheduler, sweep_enqueue_if_due

SWEEP_TASK = "tongban.cases.tasks.cases_sweep"


def sweeps_enqueued() -> int:
    return DBTaskResult.objects.filter(task_path=SWEEP_TASK).count()


@pytest.mark.django_db
def test_the_sweep_is_enqueued_once_per_period():
    now = timezone.now()

    first = sweep_enqueue_if_due(now)
    soon = sweep_enqueue_if_due(now + SWEEP_EVERY - dt.timedelta(seconds=1))
    later = sweep_enqueue_if_due(now + SWEEP_EVERY)

    assert (first, soon, later) == (True, False, True)
    assert sweeps_enqueued() == 2


@pytest.mark.django_db(transaction=True)
def test_the_workers_thread_enqueues_the_sweep_when_it_starts():
    scheduler = SweepScheduler(every=60)

    scheduler.start()
    scheduler.stop()
    scheduler.join(timeout=10)

    assert not scheduler.is_alive()
    assert sweeps_enqueued() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL")
def test_several_workers_asking_at_once_enqueue_one_sweep():
    now = timezone.now()
    sweep_enqueue_if_due(now - SWEEP_EVERY * 2)  # the row exists, last run long ago

    results = run_together(*(lambda: sweep_enqueue_if_due(now) for _ in range(4)))

    assert sorted(results) == [False, False, False, True]
    assert sweeps_enqueued() == 2
