"""Domain errors. Every error a user can cause carries a Chinese message naming the field (or row).

Services raise these; views turn them into form errors and the API into a 400/404/409 body
{"detail": "...", "errors": [{"field": ..., "message": ...}]}.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass
class DomainError(Exception):
    """A request that cannot be carried out as asked; nothing has been changed."""

    message: str
    errors: list[FieldError] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:
        return self.message


class ValidationFailed(DomainError):
    @classmethod
    def on(cls, field_name: str, message: str) -> "ValidationFailed":
        return cls(message=message, errors=[FieldError(field_name, message)])


class NotFound(DomainError):
    def __init__(self, message: str = "未找到该对象或无权查看。"):
        super().__init__(message=message, status=404)


class Conflict(DomainError):
    def __init__(self, message: str):
        super().__init__(message=message, status=409)


def from_django_validation(exc, model=None) -> ValidationFailed:
    """A Django ValidationError as a ValidationFailed whose messages name the field in Chinese."""

    def label(name: str) -> str:
        if model is None or name == "__all__":
            return ""
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # not a model field (a form-level key)
            return name

    errors = []
    for name, messages in exc.message_dict.items():
        prefix = label(name)
        # Messages that already name the field ("统一社会信用代码应为18位。") are kept as they are.
        errors += [
            FieldError(name, f"{prefix}：{m}" if prefix and not m.startswith(prefix) else m) for m in messages
        ]
    return ValidationFailed(message=errors[0].message, errors=errors)
