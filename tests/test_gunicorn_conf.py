"""config/gunicorn.conf.py: workers and bind from the environment, and a JSON access log line per request."""

import datetime
import json
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from gunicorn.config import Config

CONF = Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"


def load(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "PORT", "LOG_FORMAT", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_gunicorn_conf_reads_workers_and_port_from_the_environment(monkeypatch):
    conf = load(monkeypatch, WEB_CONCURRENCY="3", PORT="8123")

    assert conf["workers"] == 3
    assert conf["bind"] == "127.0.0.1:8123"
    assert conf["wsgi_app"] == "config.wsgi:application"
    assert conf["timeout"] == 30


def test_gunicorn_conf_logs_json_in_production_and_text_under_debug(monkeypatch):
    assert load(monkeypatch, DEBUG="false")["logger_class"].__name__ == "JsonLogger"
    assert "logger_class" not in load(monkeypatch, DEBUG="true")
    assert "logger_class" in load(monkeypatch, DEBUG="true", LOG_FORMAT="json")


def test_gunicorn_json_access_log_is_one_json_object_per_request(monkeypatch):
    logger_class = load(monkeypatch, DEBUG="false")["logger_class"]
    config = Config()
    config.set("accesslog", "-")
    logger = logger_class(config)
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger.access_log.addHandler(handler)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/programmes/",
        "QUERY_STRING": 'q=a "quoted" word',
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_USER_AGENT": "probe/1.0",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])

    logger.access(response, None, environ, datetime.timedelta(milliseconds=42))

    entry = json.loads(lines[-1])
    assert entry["logger"] == "gunicorn.access"
    assert (entry["method"], entry["path"], entry["status"], entry["bytes"]) == ("GET", "/programmes/", 200, 1234)
    assert entry["query"] == 'q=a "quoted" word'
    assert entry["duration_ms"] == 42.0
