"""Production settings refuse to start without a secret key and allowed hosts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    environment = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY and ALLOWED_HOSTS"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "guidebook.example.org"}, "SECRET_KEY"),
    ],
)
def test_settings_refuse_to_start_without_secret_key_or_hosts(env, missing):
    result = run_check(**env)
    assert result.returncode != 0
    assert f"so {missing} must be set" in result.stderr


def test_settings_start_when_production_is_configured():
    result = run_check(
        DEBUG="false", SECRET_KEY="a-long-random-production-key-" + "z" * 40, ALLOWED_HOSTS="guidebook.example.org"
    )
    assert result.returncode == 0, result.stderr


def test_settings_reject_unclear_boolean():
    result = run_check(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_demo_users_refused_when_debug_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "create_demo_users"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "example.org"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DEBUG is off, so none were created" in result.stderr


def settings_value(expression, **env):
    """Evaluate `expression` over django.conf.settings in a fresh process with this environment."""
    environment = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_REPLICA_URL"}}
    environment.update(env)
    code = f"import django; django.setup(); from django.conf import settings; print(repr(({expression})))"
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed expression
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_settings_cache_is_local_memory_without_redis_url():
    assert "LocMemCache" in settings_value("settings.CACHES['default']['BACKEND']")


def test_settings_cache_is_redis_with_redis_url():
    backend = settings_value("settings.CACHES['default']", REDIS_URL="redis://cache.internal:6379/0")
    assert "RedisCache" in backend and "redis://cache.internal:6379/0" in backend


def test_settings_page_cache_defaults_to_five_minutes_with_redis_and_zero_turns_it_off():
    redis = {"REDIS_URL": "redis://cache.internal:6379/0"}
    assert settings_value("settings.PAGE_CACHE_SECONDS", **redis) == "300"
    assert settings_value("settings.PAGE_CACHE_SECONDS", PAGE_CACHE_SECONDS="0", **redis) == "0"


def test_settings_page_cache_is_off_by_default_with_local_memory_unless_set():
    # Each worker would keep its own copies, and a publish reaches only the worker that handled it.
    assert settings_value("settings.PAGE_CACHE_SECONDS") == "0"
    assert settings_value("settings.PAGE_CACHE_SECONDS", PAGE_CACHE_SECONDS="60") == "60"


def test_settings_keep_connections_open_and_health_checked():
    assert settings_value("settings.DATABASES['default']['CONN_MAX_AGE']", DATABASE_CONN_MAX_AGE="") == "60"
    assert settings_value("settings.DATABASES['default']['CONN_HEALTH_CHECKS']") == "True"


def test_settings_replica_mirrors_default_in_tests_and_is_off_without_url():
    assert settings_value("sorted(settings.DATABASES)") == "['default']"
    replica = "settings.DATABASES['replica']['TEST']['MIRROR'], settings.DATABASE_REPLICA_READS"
    url = "postgres://postgres@127.0.0.1:5433/guidebook"
    assert settings_value(replica, DATABASE_REPLICA_URL=url) == "('default', True)"


def test_settings_log_json_in_production_and_text_locally():
    production = {"DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "guidebook.example.org"}
    assert settings_value("settings.LOG_FORMAT", **production) == "'json'"
    assert settings_value("settings.LOG_FORMAT", DEBUG="true", LOG_FORMAT="") == "'text'"
    assert settings_value("settings.LOG_FORMAT", DEBUG="true", LOG_FORMAT="json") == "'json'"


def test_settings_reject_an_unknown_log_format():
    result = run_check(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr


@pytest.mark.django_db
def test_tests_hash_passwords_with_md5_for_speed(django_user_model):
    user = django_user_model.objects.create_user("hasher", password="pw-for-tests")

    assert user.password.startswith("md5$")
    assert user.check_password("pw-for-tests")


PRODUCTION = {
    # The production variables docs/deployment.md lists, as .ci/run passes them to check --deploy.
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-key-" + "z" * 40,
    "ALLOWED_HOSTS": "guidebook.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://guidebook.example.org",
    "BEHIND_PROXY": "true",
    "TRUSTED_PROXY_COUNT": "1",
}


def test_check_deploy_passes_at_warning_level_with_the_production_variables():
    environment = {**os.environ, **PRODUCTION}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def read_settings(expression, environment):
    """`expression` evaluated on the settings a fresh process builds from `environment`."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports"],
        input=f"from django.conf import settings as s; print({expression})",
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_debug_is_off_unless_set():
    environment = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    environment.update(SECRET_KEY=PRODUCTION["SECRET_KEY"], ALLOWED_HOSTS="guidebook.example.org")

    shown = read_settings("s.DEBUG, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT", environment)

    assert shown == "False True True"


def test_trusted_proxy_count_configures_axes():
    shown = read_settings(
        "s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER", {**os.environ, "TRUSTED_PROXY_COUNT": "1"}
    )

    assert shown == "0 ('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR')"


def test_makefile_turns_debug_on_for_local_runs():
    makefile = (ROOT / "Makefile").read_text()
    assert "export DEBUG ?= true" in makefile


def test_misconfigured_start_says_how_to_run_locally():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "DEBUG is off, so SECRET_KEY and ALLOWED_HOSTS must be set" in result.stderr
    assert "DEBUG=true .venv/bin/python manage.py" in result.stderr
