"""manage.py import_rows: the admin import's rules for files too large to upload, all or nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalogue.models import Study
from tests.catalogue.test_import_hardening import STUDY_COLUMNS, workbook
from tests.factories import DraftProgrammeFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ipp():
    return DraftProgrammeFactory(name="Infant-Parent Psychotherapy", slug="ipp")


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_rows", *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def test_import_rows_imports_a_csv(tmp_path, ipp, role_analyst):
    path = tmp_path / "studies.csv"
    path.write_text(",".join(STUDY_COLUMNS) + "\nipp,1,Cicchetti et al (2006),2006,rct,3,189\n", encoding="utf-8")

    ok, out, _ = run("study", str(path), "--user", role_analyst.username)

    assert ok
    assert "Imported 1 rows" in out
    assert Study.objects.get().sample_size == 189


def test_import_rows_with_one_bad_row_writes_nothing_and_names_row_and_column(tmp_path, ipp, role_analyst):
    path = tmp_path / "studies.xlsx"
    path.write_bytes(
        workbook(
            STUDY_COLUMNS,
            ["ipp", 1, "Good (2006)", 2006, "rct", 3, 189],
            ["ipp", 2, "Bad (2007)", 2007, "rct", 3, "lots"],
        )
    )

    ok, _, err = run("study", str(path), "--user", role_analyst.username)

    assert not ok
    assert "Row 2, column “sample_size”: enter a whole number (got “lots”)" in err
    assert "Nothing imported" in err
    assert not Study.objects.exists()


def test_import_rows_dry_run_writes_nothing(tmp_path, ipp, role_analyst):
    path = tmp_path / "studies.csv"
    path.write_text(",".join(STUDY_COLUMNS) + "\nipp,1,Cicchetti et al (2006),2006,rct,3,189\n", encoding="utf-8")

    ok, out, _ = run("study", str(path), "--user", role_analyst.username, "--dry-run")

    assert ok and "dry run" in out
    assert not Study.objects.exists()


def test_import_rows_keeps_the_publisher_only_rule(tmp_path, role_analyst):
    ProgrammeFactory(slug="live")  # published
    path = tmp_path / "studies.csv"
    path.write_text(",".join(STUDY_COLUMNS) + "\nlive,1,Someone (2006),2006,rct,3,189\n", encoding="utf-8")

    ok, _, err = run("study", str(path), "--user", role_analyst.username)

    assert not ok
    assert "publisher" in err.lower()
    assert not Study.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("studies.txt", b"x", "use a .csv or .xlsx file"),
        ("studies.xlsx", b"not a workbook", "Could not read"),
        ("studies.csv", b"\xff\xfe\x00bad", "Could not read"),
    ],
)
def test_import_rows_unreadable_file_is_a_clear_error(tmp_path, role_analyst, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)

    ok, _, err = run("study", str(path), "--user", role_analyst.username)

    assert not ok
    assert message in err


def test_import_rows_needs_a_staff_user_with_the_add_permission(tmp_path, django_user_model):
    django_user_model.objects.create_user(username="visitor", password="pw-for-tests", is_staff=True)
    path = tmp_path / "studies.csv"
    path.write_text(",".join(STUDY_COLUMNS) + "\n", encoding="utf-8")

    assert "No active staff user" in run("study", str(path), "--user", "nobody")[2]
    assert "add permission" in run("study", str(path), "--user", "visitor")[2]


def test_import_rows_has_no_admin_row_limit(tmp_path, ipp, role_analyst, settings):
    settings.IMPORT_MAX_ROWS = 1
    rows = "".join(f"ipp,{n},S{n} (2006),2006,rct,3,10\n" for n in range(1, 4))
    path = tmp_path / "studies.csv"
    path.write_text(",".join(STUDY_COLUMNS) + "\n" + rows, encoding="utf-8")

    ok, _, err = run("study", str(path), "--user", role_analyst.username)

    assert ok, err
    assert Study.objects.count() == 3
