"""Gunicorn settings for production (and `make serve`): gunicorn -c config/gunicorn.conf.py

Each value can be changed from the environment without editing this file:
- WEB_CONCURRENCY: worker processes (default 2 per CPU + 1). Each is a full Django process, about
  100 MB; workers are stateless (sessions and the cache live in PostgreSQL and Redis), so more app
  servers behind a load balancer scale out the same way.
- GUNICORN_BIND (default 127.0.0.1:$PORT, PORT default 8000); behind a load balancer bind 0.0.0.0:8000.
- GUNICORN_TIMEOUT (30 s): a worker silent for longer is killed and replaced.
- GUNICORN_KEEPALIVE (75 s): longer than a load balancer's idle timeout (often 60 s), so the balancer,
  not gunicorn, closes idle connections and never sends a request down a closing one.
- FORWARDED_ALLOW_IPS: proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1).
- LOG_FORMAT=json (the default with DEBUG off): the access log and gunicorn's own messages are one
  JSON object per line, like Django's (config/jsonlog.py).
"""

import datetime
import json
import multiprocessing
import os

from gunicorn.glogging import Logger

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 75)
# Recycle each worker after about a thousand requests, so slow memory growth never accumulates.
max_requests = 1000
max_requests_jitter = 100
# Load Django once in the master: workers share its memory pages and a broken setting fails at start.
# Safe because Django opens database connections lazily, in each worker.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"
# No control socket: it lives at one path per user, so a second server on the machine would collide.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = "info"


class JsonLogger(Logger):
    """Gunicorn's logs as JSON lines: one object per request in the access log, and its own messages."""

    def setup(self, cfg):
        super().setup(cfg)
        from config.jsonlog import JsonFormatter

        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        entry = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "remote_addr": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "referer": environ.get("HTTP_REFERER"),
            "request_id": environ.get("HTTP_X_REQUEST_ID"),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))


# The same default as config/settings.py: JSON unless DEBUG is on (DEBUG defaults to on).
_debug = (os.environ.get("DEBUG") or "true").lower() not in {"0", "false", "no", "off"}
if (os.environ.get("LOG_FORMAT") or ("text" if _debug else "json")) == "json":
    logger_class = JsonLogger
