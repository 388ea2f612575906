"""JSON logs on stdout with Cloud Logging's field names, and a request id on every line."""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from tutorcal.core.redaction import URL_PASSWORD

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Google access tokens (ya29.), refresh tokens (1//), bearer credentials, OAuth query
# parameters (RFC 9700 §4.3) and passwords inside URLs (a database or Redis driver's error
# may quote DATABASE_URL or RATE_LIMIT_STORAGE_URL) must never reach a log line.
_SECRET_PATTERNS = [
    (URL_PASSWORD, r"\1[redacted]@"),
    (re.compile(r"ya29\.[\w\-.]+"), "ya29.[redacted]"),
    (re.compile(r"1//[\w\-.]+"), "1//[redacted]"),
    (re.compile(r"(?i)(bearer\s+)[\w\-.~+/]+=*"), r"\1[redacted]"),
    (
        re.compile(r"(?i)\b(code|state|token|refresh_token|access_token|id_token)=[^&\s\"']+"),
        r"\1=[redacted]",
    ),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class CloudLoggingFormatter(JsonFormatter):
    """Names Cloud Logging understands: ``severity``, ``message``, ``time``, ``httpRequest``."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data["severity"] = record.levelname
        log_data["logger"] = record.name
        log_data.pop("levelname", None)
        request_id = request_id_var.get()
        if request_id:
            log_data["request_id"] = request_id
            log_data["logging.googleapis.com/labels"] = {"request_id": request_id}
        if "message" in log_data and isinstance(log_data["message"], str):
            log_data["message"] = redact(log_data["message"])
        if "exc_info" in log_data and isinstance(log_data["exc_info"], str):
            log_data["exc_info"] = redact(log_data["exc_info"])


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CloudLoggingFormatter("%(message)s %(levelname)s", timestamp="time"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "tortoise", "aerich"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # Our middleware writes one access line per request without the query string,
    # which can carry OAuth codes; uvicorn's own access log would print it.
    logging.getLogger("uvicorn.access").disabled = True
    # One line per call to Google adds nothing the metrics and our own logs do not say.
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    logging.getLogger("tortoise").setLevel(max(logging.getLevelName(level), logging.WARNING))
