"""Import files made to break the import: each is refused whole, with a message naming row and column.

Files are real Excel workbooks written with openpyxl (as an analyst's spreadsheet would be), or CSV.
"""

import io

import openpyxl
import pytest
import tablib

from catalogue.models import Finding, Publication, Study
from catalogue.resources import FindingResource, PublicationResource, StudyResource
from tests.factories import DraftProgrammeFactory, OutcomeFactory, StudyFactory

pytestmark = pytest.mark.django_db

STUDY_COLUMNS = ["programme", "number", "citation_label", "year", "design", "rating", "sample_size"]


def workbook(header, *rows) -> bytes:
    """An .xlsx file: `header` then `rows`; None leaves a cell blank, as an analyst's empty cell is."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_xlsx(resource, content, dry_run=False):
    return resource().import_data(tablib.Dataset().load(content, format="xlsx"), dry_run=dry_run)


def messages(result) -> str:
    """Every message the import page would show: row errors, validation errors and base errors."""
    shown = [str(row.error_dict) for row in result.invalid_rows]
    shown += [str(error.error) for _, errors in result.row_errors() for error in errors]
    shown += [str(error.error) for error in result.base_errors]
    return "\n".join(shown)


@pytest.fixture
def ipp():
    programme = DraftProgrammeFactory(name="Infant-Parent Psychotherapy", slug="ipp")
    OutcomeFactory(name="Improved attachment security", slug="attachment")
    return programme


def test_blank_text_cells_in_excel_are_empty_text(ipp):
    header = [*STUDY_COLUMNS, "design_narrative", "sample_narrative", "measures_text", "findings_text", "timing"]
    content = workbook(header, ["ipp", 1, "Cicchetti et al (2006)", 2006, "rct", 3, 189, None, None, None, None, None])

    result = import_xlsx(StudyResource, content)

    assert not result.has_errors(), messages(result)
    assert not result.has_validation_errors(), messages(result)
    study = Study.objects.get()
    assert (study.design_narrative, study.sample_narrative, study.timing) == ("", "", "")


def test_blank_optional_text_cells_of_publications_and_findings_are_empty_text(ipp):
    StudyFactory(programme=ipp, number=1)
    publications = workbook(
        ["study", "authors", "year", "title", "journal", "doi", "url"],
        ["ipp/1", "Lieberman, A.F.", 1991, "A paper", None, None, None],
    )
    findings = workbook(
        ["id", "study", "outcome", "timing", "outcome_label", "measure", "statement", "effect_size_type"],
        [None, "ipp/1", "attachment", "post_test", None, None, None, None],
    )

    assert not import_xlsx(PublicationResource, publications).has_validation_errors()
    assert not import_xlsx(FindingResource, findings).has_validation_errors()
    assert Publication.objects.get().journal == ""
    assert Finding.objects.get().statement == ""


def test_blank_required_text_cell_is_an_error_naming_row_and_column(ipp):
    content = workbook(STUDY_COLUMNS, ["ipp", 1, None, 2006, "rct", 3, 189])

    result = import_xlsx(StudyResource, content)

    assert not result.has_errors(), messages(result)
    assert "citation_label" in result.invalid_rows[0].error_dict
    assert not Study.objects.exists()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["programe", "number", "citation_label", "design"], "programe"),  # a typo of a key column
        (["programme", "nmber", "citation_label", "design"], "nmber"),
        (["Programme ", "Number", "citation_label", "design"], None),  # case and spaces are forgiven
        (["", "", ""], "no column"),
    ],
)
def test_wrong_headers_are_a_clear_message_not_a_traceback(ipp, header, expected):
    row = ["ipp", 1, "Cicchetti et al (2006)", "rct"][: len(header)]
    content = workbook(header, row)

    result = import_xlsx(StudyResource, content, dry_run=True)

    shown = messages(result)
    assert "Traceback" not in shown
    if expected is None:
        assert not result.has_errors() and not result.has_validation_errors(), shown
    else:
        assert result.has_errors() or result.has_validation_errors()
        assert expected in shown
        assert "study.csv" in shown or "columns" in shown
    assert not Study.objects.exists()


def test_two_rows_with_the_same_key_are_an_error_naming_both_rows(ipp):
    content = workbook(
        STUDY_COLUMNS,
        ["ipp", 1, "First (2006)", 2006, "rct", 3, 189],
        ["ipp", 2, "Other (2007)", 2007, "rct", 3, 50],
        ["ipp", 1, "Second (2008)", 2008, "rct", 3, 77],
    )

    result = import_xlsx(StudyResource, content)

    shown = messages(result)
    assert "Rows 1 and 3" in shown
    assert "programme" in shown and "number" in shown
    assert not Study.objects.exists()


def test_two_rows_for_the_same_finding_id_are_an_error(ipp):
    study = StudyFactory(programme=ipp, number=1)
    from tests.factories import FindingFactory

    finding = FindingFactory(study=study)
    content = workbook(
        ["id", "study", "outcome", "timing", "statement"],
        [finding.pk, "ipp/1", "attachment", "post_test", "One"],
        [finding.pk, "ipp/1", "attachment", "post_test", "Two"],
    )

    result = import_xlsx(FindingResource, content)

    assert "Rows 1 and 2" in messages(result)
    finding.refresh_from_db()
    assert finding.statement not in {"One", "Two"}


def test_new_findings_with_blank_ids_are_not_duplicates(ipp):
    StudyFactory(programme=ipp, number=1)
    content = workbook(
        ["id", "study", "outcome", "timing", "statement"],
        [None, "ipp/1", "attachment", "post_test", "One"],
        [None, "ipp/1", "attachment", "post_test", "Two"],
    )

    result = import_xlsx(FindingResource, content)

    assert not result.has_validation_errors(), messages(result)
    assert Finding.objects.count() == 2


# --- standing guard: every bad file of issue 10, each refused whole with its row and column ------
GOOD_ROW = ["ipp", 1, "Good et al (2006)", 2006, "rct", 3, 189]
BAD_STUDY_FILES = [
    # (id, header, bad row as row 2, text the message must contain)
    ("blank-required-text", STUDY_COLUMNS, ["ipp", 2, None, 2006, "rct", 3, 50], "citation_label"),
    ("unreadable-number", STUDY_COLUMNS, ["ipp", 2, "B (2006)", 2006, "rct", 3, "many"], "sample_size"),
    ("zero-sample-size", STUDY_COLUMNS, ["ipp", 2, "B (2006)", 2006, "rct", 3, 0], "sample_size"),
    ("year-out-of-range", STUDY_COLUMNS, ["ipp", 2, "B (1850)", 1850, "rct", 3, 50], "year"),
    ("unknown-code", STUDY_COLUMNS, ["ipp", 2, "B (2006)", 2006, "survey", 3, 50], "design"),
    ("unknown-programme", STUDY_COLUMNS, ["nope", 2, "B (2006)", 2006, "rct", 3, 50], "programme"),
    ("duplicate-key", STUDY_COLUMNS, ["ipp", 1, "Again (2007)", 2007, "rct", 3, 50], "number"),
    (
        "oversize-narrative",
        [*STUDY_COLUMNS, "design_narrative"],
        ["ipp", 2, "B (2006)", 2006, "rct", 3, 50, "x" * 20_001],
        "design_narrative",
    ),
]


@pytest.mark.parametrize(
    ("header", "bad_row", "column"), [f[1:] for f in BAD_STUDY_FILES], ids=[f[0] for f in BAD_STUDY_FILES]
)
def test_each_bad_file_writes_nothing_and_names_row_and_column(ipp, header, bad_row, column):
    good = GOOD_ROW + [None] * (len(header) - len(GOOD_ROW))
    content = workbook(header, good, bad_row)

    result = import_xlsx(StudyResource, content)

    assert not Study.objects.exists()
    shown = messages(result)
    assert "Traceback" not in shown
    invalid = {row.number: row for row in result.invalid_rows}
    assert 2 in invalid, shown
    assert column in str(invalid[2].error_dict), shown  # the column's key, or named in the message


def test_bad_publication_link_writes_nothing_and_names_row_and_column(ipp):
    StudyFactory(programme=ipp, number=1)
    content = workbook(
        ["study", "authors", "year", "title", "url"],
        ["ipp/1", "A. Author", 2001, "Good paper", "https://example.org/paper"],
        ["ipp/1", "A. Author", 2001, "Hostile paper", "javascript:alert(1)"],
    )

    result = import_xlsx(PublicationResource, content)

    assert not Publication.objects.exists()
    assert "url" in {row.number: row for row in result.invalid_rows}[2].error_dict


def test_control_characters_in_text_cells_are_dropped_not_sent_to_the_database(ipp):
    # openpyxl will not write them, but a CSV (or another program's workbook) carries them.
    text = (
        ",".join(STUDY_COLUMNS)
        + ",design_narrative\nipp,1,Cicchetti\x00 et al (2006),2006,rct,3,189,Line one\nline two\n"
    )
    text = text.replace("Line one\nline two", '"Line one\x07\nline two"')

    result = StudyResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors(), messages(result)
    study = Study.objects.get()
    assert study.citation_label == "Cicchetti et al (2006)"
    assert study.design_narrative == "Line one\nline two"


def test_control_characters_in_a_number_cell_are_an_error_naming_row_and_column(ipp):
    text = ",".join(STUDY_COLUMNS) + "\nipp,1,B (2006),2006,rct,3,5\x00\n"

    result = StudyResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)

    assert "Row 1, column “sample_size”" in str(result.invalid_rows[0].error_dict)
    assert not Study.objects.exists()


def test_file_over_the_admin_row_limit_is_refused_with_the_way_round(ipp, settings):
    settings.IMPORT_MAX_ROWS = 2
    content = workbook(STUDY_COLUMNS, *[["ipp", n, f"S{n} (2006)", 2006, "rct", 3, 10] for n in range(1, 4)])

    result = import_xlsx(StudyResource, content)

    assert "The file has 3 rows; the admin imports at most 2" in messages(result)
    assert "import_rows" in messages(result)
    assert not Study.objects.exists()
