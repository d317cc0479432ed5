"""Reads: a user's inbox (unread first), one notification for its recipient, the unread count, and the
addresses a notification can be sent to.

The phone number is read decrypted from the recipient's Person or Company at the moment of sending and
handed to the sender only; it is never stored here, logged, or returned by a page or the API.
"""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from tongban.identity import access
from tongban.identity.access import AccessDenied, Actor
from tongban.identity.models import Company, Person

from .choices import DeliveryChannel
from .models import Notification

UNREAD = ExpressionWrapper(Q(read_at=None), output_field=BooleanField())


def notifications_for(actor: Actor) -> QuerySet[Notification]:
    """The actor's own notifications: unread first, then newest first."""
    if actor.user_id is None:
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient_id=actor.user_id)
        .annotate(unread=UNREAD)
        .order_by("-unread", "-created_at", "-id")
    )


def notification_get(actor: Actor, pk: int) -> Notification:
    """One notification for its recipient; anyone else is told it does not exist."""
    notification = Notification.objects.filter(pk=pk).first()
    if notification is None:
        raise AccessDenied("notification.view")
    access.require(actor, "notification.view", notification)
    return notification


def unread_count(user_id: int | None) -> int:
    if user_id is None:
        return 0
    return Notification.objects.filter(recipient_id=user_id, read_at=None).count()


def contact_phone(user_id: int) -> str:
    """The mobile number of a person's account, or the contact number of a company's; "" if none."""
    person = Person.objects.filter(user_id=user_id).only("phone").first()
    if person is not None:
        return person.phone.strip()
    company = Company.objects.filter(user_id=user_id).only("phone").first()
    return company.phone.strip() if company is not None else ""


def contact_email(user) -> str:
    return (user.email or "").strip()


def contact_address(user, channel: str) -> str:
    """Where a channel reaches the user: a phone number, an e-mail address; "" when it cannot."""
    if channel == DeliveryChannel.SMS:
        return contact_phone(user.pk)
    if channel == DeliveryChannel.EMAIL:
        return contact_email(user)
    return ""
