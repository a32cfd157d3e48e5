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
