"""The editorial roles (catalogue/roles.py) and the commands that put people in them."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import migrations
from django.test import override_settings

from catalogue.roles import grant_role_permissions, role_allows

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- roles
def test_roles_analyst_can_edit_but_not_publish_or_delete_programmes(role_analyst):
    assert role_analyst.has_perm("catalogue.change_programme")
    assert role_analyst.has_perm("catalogue.add_finding")
    assert role_analyst.has_perm("catalogue.delete_study")
    assert not role_analyst.has_perm("catalogue.publish_programme")
    assert not role_analyst.has_perm("catalogue.delete_programme")


def test_roles_publisher_can_publish_and_delete(publisher):
    assert publisher.has_perm("catalogue.publish_programme")
    assert publisher.has_perm("catalogue.delete_programme")
    assert publisher.has_perm("catalogue.view_historicalprogramme")
    assert not publisher.has_perm("catalogue.change_publicationevent")


def test_roles_cover_every_catalogue_and_reviews_model():
    """Fails when an app gains models but no migration re-ran grant_role_permissions() for them."""
    from django.apps import apps

    analyst = set(Group.objects.get(name="analyst").permissions.values_list("content_type__model", "codename"))
    for label in ("catalogue", "reviews"):
        for model in apps.get_app_config(label).get_models():
            name = model._meta.model_name
            assert (name, f"view_{name}") in analyst, f"analyst cannot view {label}.{name}"


def test_roles_rules_cover_models_added_later():
    assert role_allows("analyst", "change_review")
    assert not role_allows("analyst", "delete_review")
    assert not role_allows("analyst", "publish_review")
    assert role_allows("publisher", "publish_review")
    assert role_allows("analyst", "view_historicalreview")
    assert not role_allows("analyst", "change_historicalreview")


def test_grant_role_permissions_is_rerunnable():
    analyst = Group.objects.get(name="analyst")
    before = set(analyst.permissions.values_list("codename", flat=True))
    analyst.permissions.clear()

    grant_role_permissions()

    assert set(analyst.permissions.values_list("codename", flat=True)) == before
    assert Group.objects.filter(name__in=["analyst", "publisher"]).count() == 2


def test_roles_migration_is_reversible_noop():
    from importlib import import_module

    migration = import_module("catalogue.migrations.0006_roles").Migration
    operation = migration.operations[0]
    assert isinstance(operation, migrations.RunPython)
    assert operation.reversible


def test_create_user_command_puts_user_in_role(django_user_model):
    out = StringIO()
    call_command("create_user", "sam", "--role", "publisher", "--password", "a-long-passphrase-1", stdout=out)

    user = django_user_model.objects.get(username="sam")
    assert user.is_staff
    assert user.check_password("a-long-passphrase-1")
    assert list(user.groups.values_list("name", flat=True)) == ["publisher"]
    assert "publisher role" in out.getvalue()


def test_create_user_command_moves_user_between_roles(django_user_model):
    call_command("create_user", "sam", "--role", "publisher", "--password", "a-long-passphrase-1", stdout=StringIO())
    call_command("create_user", "sam", "--role", "analyst", "--password", "a-long-passphrase-1", stdout=StringIO())

    user = django_user_model.objects.get(username="sam")
    assert list(user.groups.values_list("name", flat=True)) == ["analyst"]


def test_create_user_command_rejects_weak_password(django_user_model):
    with pytest.raises(CommandError, match="too short"):
        call_command("create_user", "sam", "--role", "analyst", "--password", "abc", stdout=StringIO())
    assert not django_user_model.objects.filter(username="sam").exists()


def test_create_user_command_without_password_or_terminal_refuses(django_user_model, monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO())

    with pytest.raises(CommandError, match="--password"):
        call_command("create_user", "sam", "--role", "analyst", stdout=StringIO())
    assert not django_user_model.objects.exists()


@override_settings(DEBUG=True)
def test_create_demo_users_makes_an_analyst_and_a_publisher(django_user_model):
    out = StringIO()
    call_command("create_demo_users", "--port", "8123", stdout=out)

    assert django_user_model.objects.get(username="analyst").groups.get().name == "analyst"
    assert django_user_model.objects.get(username="publisher").groups.get().name == "publisher"
    assert "http://127.0.0.1:8123/admin/" in out.getvalue()


def test_create_demo_users_refuses_without_debug(django_user_model):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_users", stdout=StringIO())
    assert not django_user_model.objects.exists()
