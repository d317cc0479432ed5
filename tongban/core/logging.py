"""Structured logging: every record becomes key/value pairs, printed readably or as one JSON line.

structlog's ProcessorFormatter renders records from the standard library too, so Django's, gunicorn's
and our own events share one format. Every record, ours or a library's, passes `mask_personal_data`
on its way out: no ID or mobile number is written in clear, whatever a message or an exception says.
"""

from typing import Any

import structlog

from .masking import mask_text

# Values of the logging itself, not personal data. A request id is 32 hex digits (or a caller's short plain
# id), in which eleven digits in a row would be taken for a mobile number and masked, breaking correlation.
SYSTEM_KEYS = frozenset({"request_id", "timestamp", "level", "logger"})


def mask_personal_data(_logger, _method: str, event_dict: dict) -> dict:
    """A structlog processor: mask ID and mobile numbers in the event and in every value."""
    return {key: value if key in SYSTEM_KEYS else _masked(value) for key, value in event_dict.items()}


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_masked(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number typed as a number (a phone stored as an integer) is masked too; others stay numbers.
        text = str(value)
        return value if mask_text(text) == text else mask_text(text)
    if value is None or isinstance(value, bool):
        return value
    return mask_text(str(value))  # anything else is rendered as text anyway


def _processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def logging_config(*, fmt: str, level: str) -> dict:
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    mask_personal_data,
                    renderer,
                ],
                "foreign_pre_chain": _processors(),
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "tongban": {"level": level.upper(), "propagate": True},
            "django": {"level": "INFO", "propagate": True},
            "django.server": {"level": "WARNING", "propagate": True},
            "gunicorn.error": {"level": "INFO", "propagate": True},
        },
    }
