"""The periodic sweep's clock: django-tasks-db has no scheduler, so every worker (`tongban worker`, and
the one `tongban serve` starts) runs a small thread that asks every CHECK_EVERY whether the sweep is due
and enqueues it then. "Due" is decided in the database by one conditional UPDATE of a PeriodicRun row
(`last_at` older than SWEEP_EVERY → now): of several workers asking at once exactly one moves it on and
enqueues, so the sweep is enqueued once per period however many workers run. A worker that was down
simply enqueues at its next check; nothing piles up.
"""

import datetime as dt
import threading

import structlog
from django.db import close_old_connections, connections, transaction
from django.db.models import Q
from django.utils import timezone

from .models import PeriodicRun

log = structlog.get_logger("tongban.cases.schedule")

SWEEP = "cases_sweep"
SWEEP_EVERY = dt.timedelta(minutes=5)  # how often the sweep runs (lights, deemed acceptance, retries)
CHECK_EVERY = 30.0  # seconds between a worker's checks whether the sweep is due


def sweep_enqueue_if_due(now: dt.datetime | None = None) -> bool:
    """Enqueue the sweep if no worker did in the last SWEEP_EVERY; True when this call enqueued it."""
    from .tasks import cases_sweep

    now = now or timezone.now()
    PeriodicRun.objects.get_or_create(name=SWEEP)
    with transaction.atomic():
        claimed = (
            PeriodicRun.objects.filter(name=SWEEP)
            .filter(Q(last_at=None) | Q(last_at__lte=now - SWEEP_EVERY))
            .update(last_at=now)
        )
        if claimed:
            cases_sweep.enqueue()
    return bool(claimed)


class SweepScheduler(threading.Thread):
    """The worker's thread that enqueues the sweep when it is due (first check at once)."""

    def __init__(self, every: float = CHECK_EVERY):
        super().__init__(name="tongban-sweep-scheduler", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while True:
            try:
                if sweep_enqueue_if_due():
                    log.info("sweep_enqueued")
            except Exception:  # a lost connection must not end the thread: try again next time
                log.exception("sweep_schedule_failed")
            finally:
                close_old_connections()
            if self.stopped.wait(self.every):
                connections.close_all()  # this thread's own connections
                return

    def stop(self) -> None:
        self.stopped.set()
