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
