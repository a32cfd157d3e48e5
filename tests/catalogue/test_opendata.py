"""The bulk download (/data/): every table as CSV and JSON with the data dictionary, published records
only, cached until the catalogue changes, and reloadable into an empty database with nothing lost."""

import csv
import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command

from catalogue.costs import cost_band
from catalogue.models import AgeGroup, Collection, Country, Outcome, Programme, Setting, Study
from catalogue.opendata.build import current_snapshot
from catalogue.opendata.load import load_document
from catalogue.opendata.tables import tables
from reviews.models import Review
from tests.factories import (
    AnalysisFactory,
    AnalysisRowFactory,
    CollectionFactory,
    DraftProgrammeFactory,
    FindingFactory,
    IncludedStudyFactory,
    ProgrammeFactory,
    PublicationFactory,
    ReviewFactory,
    RiskOfBiasFactory,
    StudyFactory,
    TheoryOfChangeStepFactory,
)

pytestmark = pytest.mark.django_db

TABLES = [
    "programmes",
    "studies",
    "publications",
    "findings",
    "outcomes",
    "reviews",
    "analyses",
    "analysis_rows",
    "risk_of_bias",
    "collections",
]


@pytest.fixture(autouse=True)
def open_data_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path / "open-data"


@pytest.fixture
def catalogue():
    programme = ProgrammeFactory(
        name="Family Nurse Partnership",
        acronym="FNP",
        estimated_unit_cost=Decimal("1500"),
        cost_rating=cost_band(Decimal("1500")),
    )
    programme.age_groups.set(AgeGroup.objects.filter(slug__in=["infants", "toddlers"]))
    programme.settings.set(Setting.objects.filter(slug="home"))
    TheoryOfChangeStepFactory(programme=programme)
    study = StudyFactory(programme=programme, number=1, sample_size=120)
    study.countries.set(Country.objects.filter(slug="united-kingdom"))
    PublicationFactory(study=study, doi="10.1000/xyz")
    FindingFactory(study=study, effect_size=Decimal("-0.25"), ci_low=Decimal("-0.5"), ci_high=Decimal("0.0"))
    FindingFactory(study=study, mean_t=10.0, sd_t=2.0, n_t=40, mean_c=9.0, sd_c=2.0, n_c=40)
    CollectionFactory(name="Home visiting").programmes.add(programme)
    review = ReviewFactory(title="Home visiting review", programmes=[programme])
    included = IncludedStudyFactory(review=review, study=study)
    RiskOfBiasFactory(included_study=included)
    AnalysisRowFactory(analysis=AnalysisFactory(review=review, number="1.1"), study=study)
    draft = DraftProgrammeFactory(name="Zebra Secret")
    FindingFactory(study=StudyFactory(programme=draft))
    CollectionFactory(name="Shared").programmes.add(draft, programme)
    return programme


def _zip():
    return zipfile.ZipFile(current_snapshot().path)


def test_the_zip_holds_every_table_as_csv_and_one_json_file(catalogue):
    names = set(_zip().namelist())

    assert {f"{table}.csv" for table in TABLES} <= names
    assert {"evidence-guidebook.json", "data-dictionary.csv", "README.txt"} <= names


def test_drafts_are_never_in_the_files(catalogue):
    archive = _zip()

    for name in archive.namelist():
        assert "Zebra" not in archive.read(name).decode(), name


def test_csv_columns_match_the_dictionary(catalogue):
    archive = _zip()
    for table in tables():
        header = next(csv.reader(io.StringIO(archive.read(f"{table.name}.csv").decode())))
        assert header == [column["name"] for column in table.columns()]
        assert all(column["meaning"] for column in table.columns()), table.name


def test_dictionary_gives_types_units_and_allowed_values():
    columns = {c["name"]: c for t in tables() if t.name == "findings" for c in t.columns()}

    assert columns["effect_size"]["type"] == "number"
    assert "standard deviations" in columns["effect_size"]["units"]
    assert ("follow_up", "Follow-up") in [tuple(v) for v in columns["timing"]["allowed_values"]] or columns["timing"][
        "allowed_values"
    ]


@pytest.mark.parametrize(
    ("table", "component"),
    [
        ("programmes", "ProgrammeFull"),
        ("studies", "StudyRecord"),
        ("publications", "Publication"),
        ("findings", "FindingRecord"),
        ("outcomes", "Outcome"),
        ("reviews", "Review"),
        ("analyses", "Analysis"),
        ("risk_of_bias", "RiskOfBias"),
    ],
)
def test_dictionary_and_api_schema_describe_shared_columns_alike(client, table, component):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    components = schema["components"]["schemas"]
    properties = components[component]["properties"]
    columns = {column["name"]: column for t in tables() if t.name == table for column in t.columns()}

    # The API prints these ratings as on the site ("NA", "3+"); the files keep the stored codes, which the
    # dictionary lists with their meanings. The API gives the rating note only where the ratings differ.
    printed = {"cost_rating", "rating", "rating_difference_note"}
    shared = [name for name in columns if name in properties and properties[name].get("description")]
    shared = [name for name in shared if name not in printed]
    assert len(shared) >= 3
    for name in shared:
        assert properties[name]["description"].startswith(columns[name]["meaning"]), name
        reference = properties[name].get("$ref") or next(iter(properties[name].get("allOf", [])), {}).get("$ref")
        if columns[name]["allowed_values"] and reference:
            enum = components[reference.rsplit("/", 1)[1]]["enum"]
            assert [str(value) for value in enum] == [value for value, _ in columns[name]["allowed_values"]], name


def test_checksum_is_the_zips_sha256(catalogue, client):
    snapshot = current_snapshot()

    download = client.get("/data/evidence-guidebook-open-data.zip")

    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == snapshot.sha256
    assert client.get("/data/evidence-guidebook-open-data.sha256").content.decode().startswith(snapshot.sha256)


def test_download_answers_304_to_a_client_holding_this_snapshot(catalogue, client):
    first = client.get("/data/evidence-guidebook-open-data.zip")

    b"".join(first.streaming_content)  # read to the end, which closes the file (as the test client expects)
    again = client.get("/data/evidence-guidebook-open-data.zip", headers={"If-None-Match": first["ETag"]})

    assert first["ETag"] == f'"{current_snapshot().sha256}"'
    assert again.status_code == 304


def test_the_snapshot_is_kept_until_the_catalogue_changes(catalogue):
    first = current_snapshot()
    assert current_snapshot().path == first.path

    ProgrammeFactory(name="Newly published")

    second = current_snapshot()
    assert second.path != first.path
    assert not first.path.exists()


def test_build_command_builds_the_snapshot(catalogue, capsys):
    call_command("build_open_data")

    assert current_snapshot(build=False) is not None
    assert "sha256" in capsys.readouterr().out


def test_data_page_shows_the_dictionary_licence_citation_and_checksum(catalogue, client):
    response = client.get("/data/")

    html = response.content.decode()
    assert response.status_code == 200
    assert current_snapshot().sha256 in html
    assert "Open Government Licence" in html
    assert "snapshot of" in html
    for table in TABLES:
        assert f'id="file-{table}"' in html
    assert "<code>effect_size</code>" in html


def test_bulk_files_reload_into_an_empty_database_with_nothing_lost(catalogue):
    document = json.loads(_zip().read("evidence-guidebook.json"))
    before = {table.name: table.records() for table in tables()}

    Review.objects.all().delete()
    Collection.objects.all().delete()
    Study.objects.all().delete()
    Programme.objects.all().delete()
    Outcome.objects.all().delete()
    assert not any(table.records() for table in tables() if table.name != "lookups")

    load_document(document)

    after = {table.name: table.records() for table in tables()}
    for name in before:
        assert len(after[name]) == len(before[name]), name
        assert after[name] == before[name], name
    assert sum(len(rows) for rows in before.values()) > len(TABLES)


# --------------------------------------------------------------------------- every list page offers its CSV


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_collection_page_offers_its_csv(catalogue, client):
    page = client.get("/collections/shared/").content.decode()
    assert "/collections/shared/export.csv" in page

    rows = _csv_rows(client.get("/collections/shared/export.csv"))

    assert [row[0] for row in rows[1:]] == ["Family Nurse Partnership"]  # the draft is left out


def test_comparison_offers_its_csv(catalogue, client):
    other = ProgrammeFactory(name="Another programme")
    query = f"p={catalogue.slug}&p={other.slug}"
    assert "/programmes/compare/export.csv?" in client.get(f"/programmes/compare/?{query}").content.decode()

    rows = _csv_rows(client.get(f"/programmes/compare/export.csv?{query}&p=zebra-secret"))

    assert [row[0] for row in rows[1:]] == ["Family Nurse Partnership", "Another programme"]


def test_review_list_offers_its_csv(catalogue, client):
    ReviewFactory(title="Draft review", status="draft", published_on=None)
    assert "/reviews/export.csv" in client.get("/reviews/").content.decode()

    rows = _csv_rows(client.get("/reviews/export.csv"))

    assert [row[1] for row in rows[1:]] == ["Home visiting review"]
    assert rows[1][6] == "Family Nurse Partnership"
