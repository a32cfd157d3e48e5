"""config/import_store.py: import files wait for the confirm step under names only their uploader can use."""

import os
import stat
import time
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import Study
from config.import_store import NAME, store_dir
from tests.factories import DraftProgrammeFactory

pytestmark = pytest.mark.django_db

STUDY_CSV = (
    "programme,number,citation_label,year,design,rating,sample_size\nipp,1,Cicchetti et al (2006),2006,rct,3,189\n"
)


@pytest.fixture(autouse=True)
def private_store(settings, tmp_path):
    settings.IMPORT_STORE_DIR = str(tmp_path / "imports")
    DraftProgrammeFactory(slug="ipp")


def preview(client):
    """Upload the file as `client`; return the confirm form's fields (what the browser posts back)."""
    formats = [f.__name__ for f in admin.site._registry[Study].get_import_formats()]
    response = client.post(
        reverse("admin:catalogue_study_import"),
        {"import_file": SimpleUploadedFile("s.csv", STUDY_CSV.encode()), "format": str(formats.index("CSV"))},
    )
    assert response.status_code == 200
    return dict(response.context["confirm_form"].initial)


def confirm(client, form):
    return client.post(reverse("admin:catalogue_study_process_import"), form)


def test_preview_stores_the_file_privately_under_an_unguessable_name(role_analyst_client, role_analyst):
    form = preview(role_analyst_client)

    name = form["import_file_name"]
    match = NAME.match(name)
    assert match and int(match["user"]) == role_analyst.pk
    path = store_dir() / name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store_dir().stat().st_mode) == 0o700


def test_confirm_by_the_uploader_imports_and_removes_the_file(role_analyst_client):
    form = preview(role_analyst_client)

    response = confirm(role_analyst_client, form)

    assert response.status_code == 302
    assert Study.objects.count() == 1
    assert not (store_dir() / form["import_file_name"]).exists()


def test_confirm_by_another_user_is_refused_and_keeps_the_file(role_analyst_client, publisher_client):
    form = preview(role_analyst_client)

    response = confirm(publisher_client, form)

    assert response.status_code == 403
    assert not Study.objects.exists()
    assert (store_dir() / form["import_file_name"]).exists()


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "../../etc/hostname",
        "0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # the right shape, never issued
        "",
    ],
)
def test_confirm_naming_any_other_file_is_refused(role_analyst_client, name, tmp_path):
    form = preview(role_analyst_client)
    outside = tmp_path / "keep.txt"
    outside.write_text("not an import")

    response = confirm(role_analyst_client, {**form, "import_file_name": name or str(outside)})

    assert response.status_code in {400, 403}
    assert outside.exists()
    assert not Study.objects.exists()


def test_expired_file_is_refused_and_deleted(role_analyst_client, settings):
    form = preview(role_analyst_client)
    path = store_dir() / form["import_file_name"]
    old = time.time() - settings.IMPORT_STORE_MAX_AGE - 1
    os.utime(path, (old, old))

    response = confirm(role_analyst_client, form)

    assert response.status_code == 403
    assert not path.exists()
    assert not Study.objects.exists()


def test_abandoned_files_are_removed_by_the_next_upload(role_analyst_client, settings):
    abandoned = Path(store_dir()) / ("7." + "B" * 43)
    abandoned.write_bytes(b"old")
    old = time.time() - settings.IMPORT_STORE_MAX_AGE - 1
    os.utime(abandoned, (old, old))

    preview(role_analyst_client)

    assert not abandoned.exists()
