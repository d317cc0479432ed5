"""API shapes of notifications."""

from datetime import datetime

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str  # a short code such as "case.accepted"
    title: str
    body: str
    link: str  # a path on this site, or ""
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_unread(obj) -> bool:
        return obj.read_at is None


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int
