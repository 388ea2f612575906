"""Passwords inside URLs (``postgres://user:PASSWORD@host``, ``redis://:PASSWORD@host``).

DATABASE_URL and RATE_LIMIT_STORAGE_URL are secrets because of them: they must reach neither
a log line nor an error message. Kept apart from the log formatter so that the settings can
use it without loading the logging stack.
"""

from __future__ import annotations

import re

# scheme://[user]:password@ ; the password runs to the last "@" before the host.
URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@]*:)[^\s/]*@")


def redact_url(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``[redacted]``."""
    return URL_PASSWORD.sub(r"\1[redacted]@", text)
