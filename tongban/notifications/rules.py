"""Who may do what with notifications (registered at start-up by NotificationsConfig.ready): a message is
its recipient's alone; the delivery log (channels, statuses, failures) is for platform administrators."""

from tongban.identity import access
from tongban.identity.access import Actor

from .models import Notification


def is_recipient(actor: Actor, notification: Notification) -> bool:
    return (
        actor.user_id is not None and notification is not None and notification.recipient_id == actor.user_id
    )


def platform_admin(actor: Actor, obj) -> bool:
    return actor.is_platform_admin


def register_rules() -> None:
    access.register("notification.view", is_recipient)
    access.register("notification.read", is_recipient)
    access.register("notification_delivery.view", platform_admin)
    access.register_view_action(Notification, "notification.view")
