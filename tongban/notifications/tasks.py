"""Background work of notifications (django.tasks, database backend): thin adapters over services.

`notification_deliver` is enqueued on commit by `notify` and again, with run_after, after a failed
attempt; running it twice, or in two workers at once, sends once. `notifications_retry_due` is the
periodic sweep (the worker calls it every few minutes): it gives up interrupted sends and re-enqueues
deliveries whose task was lost.
"""

from django.tasks import task


@task()
def notification_deliver(delivery_id: int) -> str | None:
    from .services import delivery_send

    return delivery_send(delivery_id=delivery_id)


@task()
def notifications_retry_due() -> dict[str, int]:
    from .services import deliveries_retry_due

    return deliveries_retry_due()
