"""The admin under the strict Content-Security-Policy: no violation on the pages analysts use most,
History included (its templates carried an inline style)."""

import pytest

from catalogue import workflow
from tests.factories import DraftProgrammeFactory, FindingFactory, StudyFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(page, django_user_model):
    django_user_model.objects.create_superuser("admin-browser", password="a-long-test-password")
    page.goto("/admin/login/")
    page.fill("#id_username", "admin-browser")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    return page


def test_admin_pages_and_history_raise_no_csp_violation(signed_in, django_user_model):
    page = signed_in
    user = django_user_model.objects.get(username="admin-browser")
    programme = DraftProgrammeFactory(name="History Steps")
    FindingFactory(study=StudyFactory(programme=programme))
    workflow.publish(obj=programme, user=user, change_note="First publication.")
    programme.summary = "Changed once, so History has rows to list."
    programme.save()

    for path in (
        "/admin/",
        "/admin/catalogue/programme/",
        f"/admin/catalogue/programme/{programme.pk}/change/",
        f"/admin/catalogue/programme/{programme.pk}/history/",
        "/admin/catalogue/finding/",
    ):
        page.goto(path)
        assert page.locator("#content").count() == 1, path

    assert page.console_errors == []
