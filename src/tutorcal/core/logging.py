"""Logs on stdout: JSON with Cloud Logging's field names and the request id on every line
(Cloud Run, any pipe), or plain lines for a person (a terminal, demo mode)."""

from __future__ import annotations

import logging
import re
import sys
import time
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
        # uvicorn's copy of its message with terminal colour codes: noise in JSON.
        log_data.pop("color_message", None)
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


# What every LogRecord has; anything else on a record came as ``extra``.
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_NOT_SHOWN = frozenset({"color_message", "httpRequest"})


class PlainFormatter(logging.Formatter):
    """``12:04:31 INFO    GET /api/v1/me 200 (3 ms)``: the time here, the level, what happened,
    then the details a JSON line would carry as fields; redacted like the JSON."""

    def format(self, record: logging.LogRecord) -> str:
        when = time.strftime("%H:%M:%S", time.localtime(record.created))
        http = getattr(record, "httpRequest", None)
        if isinstance(http, dict):
            seconds = float(str(http.get("latency", "0")).rstrip("s") or 0)
            message = (
                f"{http.get('requestMethod')} {http.get('requestUrl')} {http.get('status')}"
                f" ({seconds * 1000:.0f} ms)"
            )
        else:
            message = record.getMessage()
        if record.levelno >= logging.WARNING:
            message = f"{record.name}: {message}"
        details = [
            f"{name}={value}"
            for name, value in record.__dict__.items()
            if name not in _RECORD_FIELDS and name not in _NOT_SHOWN and not name.startswith("_")
        ]
        request_id = request_id_var.get()
        if request_id and record.levelno >= logging.WARNING:
            details.append(f"request_id={request_id}")
        line = f"{when} {record.levelname:<7} {message}"
        if details:
            line += "  " + " ".join(details)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)


def wants_plain_logs(demo: bool) -> bool:
    """Plain lines for a person: demo mode, or stdout is a terminal; JSON for machines."""
    return demo or sys.stdout.isatty()


def configure_logging(level: str = "INFO", *, plain: bool = False) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        PlainFormatter()
        if plain
        else CloudLoggingFormatter("%(message)s %(levelname)s", timestamp="time")
    )
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
