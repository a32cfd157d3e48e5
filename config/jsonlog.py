"""One JSON object per log line (LOG_FORMAT=json, the default with DEBUG off), for a log collector.

Each line has the time (UTC, ISO 8601), level, logger and message, the exception when there is one,
and for Django's request logs the method, path and status code. Gunicorn's access log uses the same
shape (config/gunicorn.conf.py), so one parser reads both.
"""

import datetime
import json
import logging

# Attributes every LogRecord has; anything else was passed in `extra=` and is worth keeping.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"], entry["path"] = request.method, request.path
        for key, value in vars(record).items():
            if key not in _STANDARD and key != "request":
                entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
