"""Background work of cases (django.tasks, database backend): thin adapters over sweep.py.

`cases_sweep` is the periodic sweep; the worker enqueues it every SWEEP_EVERY (schedule.py).
`cases_deadlines_recompute` runs when the calendar learns a year's holidays (registered from
CasesConfig.ready through core.calendar.on_year_entered). Both may run twice without harm.
"""

from django.tasks import task


@task()
def cases_sweep() -> dict:
    from .sweep import sweep_run

    return sweep_run()


@task()
def cases_deadlines_recompute(year: int) -> dict:
    from .sweep import provisional_deadlines_recompute

    return provisional_deadlines_recompute()


def on_year_entered(year: int) -> None:
    """core.calendar callback (already after commit): recompute the provisional deadlines in the worker."""
    cases_deadlines_recompute.enqueue(year)
