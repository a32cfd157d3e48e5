"""config.jsonlog.JsonFormatter: one parseable JSON object per record, with request and extra fields."""

import json
import logging

from django.test import RequestFactory

from config.jsonlog import JsonFormatter


def record(message="Page %s failed", args=("home",), **extra):
    entry = logging.LogRecord("django.request", logging.ERROR, __file__, 1, message, args, None)
    entry.__dict__.update(extra)
    return entry


def test_json_formatter_writes_time_level_logger_and_message():
    line = json.loads(JsonFormatter().format(record()))

    assert line["level"] == "ERROR"
    assert line["logger"] == "django.request"
    assert line["message"] == "Page home failed"
    assert line["time"].endswith("+00:00")


def test_json_formatter_adds_request_method_path_and_extras():
    request = RequestFactory().get("/programmes/?q=attachment")

    line = json.loads(JsonFormatter().format(record(request=request, status_code=500)))

    assert (line["method"], line["path"], line["status_code"]) == ("GET", "/programmes/", 500)
    assert "request" not in line


def test_json_formatter_keeps_an_exception_on_one_line():
    try:
        raise ValueError("broken")
    except ValueError:
        import sys

        entry = record()
        entry.exc_info = sys.exc_info()

    text = JsonFormatter().format(entry)

    assert "\n" not in text
    assert "ValueError: broken" in json.loads(text)["exception"]
