"""The evidence-gap map: its counts are the programme list's counts, cell by cell, in one grouped query."""

import csv
import io

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue import gaps, workflow
from catalogue.filters import ProgrammeFilterSet
from catalogue.models import AgeGroup, EvidenceLevel, OutcomeDomain, Programme
from catalogue.services import refresh_search_documents
from tests.factories import (
    AgeGroupFactory,
    CollectionFactory,
    DeliveryModelFactory,
    DraftProgrammeFactory,
    FindingFactory,
    LevelOfNeedFactory,
    OutcomeFactory,
    ProgrammeFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def list_count(query: QueryDict) -> int:
    return ProgrammeFilterSet(query, queryset=Programme.objects.published()).qs.count()


def make_programme(name, *, level, domains, needs=(), ages=(), factory=ProgrammeFactory, **fields):
    programme = factory(name=name, evidence_level=level, **fields)
    study = StudyFactory(programme=programme)
    for domain in domains:
        FindingFactory(study=study, outcome=OutcomeFactory(name=f"{name} {domain}", domain=domain))
    programme.levels_of_need.set(needs)
    programme.age_groups.set(ages)
    return programme


@pytest.fixture
def catalogue():
    universal = LevelOfNeedFactory(slug="universal", name="Universal")
    indicated = LevelOfNeedFactory(slug="targeted-indicated", name="Targeted indicated")
    infants = AgeGroupFactory(slug="infants", name="Infants")
    toddlers = AgeGroupFactory(slug="toddlers", name="Toddlers")
    home = DeliveryModelFactory(slug="home-visiting", name="Home visiting")
    collection = CollectionFactory(slug="attachment")
    mental, school = OutcomeDomain.MENTAL_HEALTH, OutcomeDomain.SCHOOL
    strong = make_programme(
        "Strong", level=EvidenceLevel.LEVEL_4, domains=[mental, school], needs=[universal, indicated], ages=[infants]
    )
    strong.delivery_models.set([home])
    strong.collections.set([collection])
    make_programme("Efficacy", level=EvidenceLevel.LEVEL_3, domains=[mental], needs=[indicated], ages=[toddlers])
    make_programme("Preliminary", level=EvidenceLevel.LEVEL_2, domains=[mental], needs=[indicated], uk_evaluation=True)
    make_programme("Unrated", level=None, domains=[mental, school], needs=[universal], ages=[infants, toddlers])
    make_programme("Not level 2", level=EvidenceLevel.NOT_LEVEL_2, domains=[school], needs=[universal])
    make_programme("Family only", level=EvidenceLevel.LEVEL_3, domains=[OutcomeDomain.FAMILY], needs=[universal])
    make_programme(
        "Draft", level=EvidenceLevel.LEVEL_4, domains=[mental], needs=[universal], factory=DraftProgrammeFactory
    )
    refresh_search_documents()  # the programme-outcome pairs the map and the list count from
    return {"universal": universal, "indicated": indicated, "strong": strong}


def cell(gap, domain, column):
    row = next(row for row in gap.rows if row.domain == domain)
    return next(cell for cell in row.cells if cell.column == column)


QUERIES = ["", "axis=age", "collection=attachment", "delivery=home-visiting", "uk_evaluation=yes", "uk_evaluation=no"]


@pytest.mark.parametrize("query", QUERIES)
def test_every_cell_counts_what_the_programme_list_shows_for_it(catalogue, query):
    data = QueryDict(query)
    gap = gaps.gap_map(data)
    narrowing = {key: data.getlist(key) for key in gaps.MAP_FILTERS if key in data}
    for row in gap.rows:
        for c in row.cells:
            base = QueryDict(mutable=True)
            for key, values in narrowing.items():
                base.setlist(key, values)
            base.setlist("domain", [row.domain])
            base.setlist(gap.axis.param, [c.column])
            assert c.total == list_count(base), (row.domain, c.column)
            for code in ("4", "3", "2"):
                banded = base.copy()
                banded.setlist("evidence", [code])
                assert c.counts[code] == list_count(banded), (row.domain, c.column, code)
            assert c.counts["none"] == c.total - c.counts["4"] - c.counts["3"] - c.counts["2"]


def test_cells_count_each_programme_once_per_domain_and_column(catalogue):
    gap = gaps.gap_map(QueryDict())
    mental_universal = cell(gap, OutcomeDomain.MENTAL_HEALTH, "universal")
    assert mental_universal.counts == {"4": 1, "3": 0, "2": 0, "none": 1}  # Strong, Unrated; the draft is not public
    assert mental_universal.strongest == "4"
    school_universal = cell(gap, OutcomeDomain.SCHOOL, "universal")
    assert school_universal.counts == {"4": 1, "3": 0, "2": 0, "none": 2}
    mental_indicated = cell(gap, OutcomeDomain.MENTAL_HEALTH, "targeted-indicated")
    assert (mental_indicated.total, mental_indicated.strongest) == (3, "4")
    assert cell(gap, OutcomeDomain.CRIME, "universal").strongest == ""
    # Family outcomes are not a child outcome domain: not a row of the map.
    assert OutcomeDomain.FAMILY not in [row.domain for row in gap.rows]


def test_cell_links_filter_the_programme_list_to_the_cell(catalogue):
    c = cell(gaps.gap_map(QueryDict("collection=attachment")), OutcomeDomain.MENTAL_HEALTH, "universal")
    assert c.url == f"{reverse('catalogue:programme-list')}?collection=attachment&domain=mental_health&need=universal"
    assert c.band_urls["4"].endswith("need=universal&evidence=4")


def test_publishing_and_withdrawing_a_programme_changes_the_map(catalogue, publisher):
    draft = Programme.objects.get(name="Draft")

    def mental_universal_level_4():
        return cell(gaps.gap_map(QueryDict()), OutcomeDomain.MENTAL_HEALTH, "universal").counts["4"]

    assert mental_universal_level_4() == 1
    workflow.publish(obj=draft, user=publisher, change_note="First publication.")
    assert mental_universal_level_4() == 2
    workflow.unpublish(obj=draft, user=publisher, change_note="Withdrawn while its evidence is checked.")
    assert mental_universal_level_4() == 1
    workflow.archive(obj=catalogue["strong"], user=publisher, change_note="No longer offered.")
    assert mental_universal_level_4() == 0


def test_bad_axis_and_filter_values_are_reported_and_ignored(catalogue):
    gap = gaps.gap_map(QueryDict("axis=colour&collection=nope&delivery=home-visiting"))
    assert gap.axis.param == "need"
    assert {problem.param for problem in gap.problems} == {"axis", "collection"}
    assert cell(gap, OutcomeDomain.MENTAL_HEALTH, "universal").total == 1  # delivery still applies


def _grow(n):
    need = LevelOfNeedFactory(slug=f"need-{n}")
    age = AgeGroupFactory(slug=f"age-{n}")
    for i in range(n):
        domains = [OutcomeDomain.MENTAL_HEALTH, OutcomeDomain.CRIME] if i % 2 else [OutcomeDomain.SCHOOL]
        make_programme(f"Grown {n} {i}", level=i % 5, domains=domains, needs=[need], ages=[age])


@pytest.mark.parametrize("query", ["", "axis=age&collection=attachment&delivery=home-visiting&uk_evaluation=yes"])
def test_map_query_count_does_not_grow_with_the_catalogue(client, query):
    CollectionFactory(slug="attachment")
    DeliveryModelFactory(slug="home-visiting")
    _grow(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/evidence-gaps/?{query}").status_code == 200
    _grow(25)
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"/evidence-gaps/?{query}").status_code == 200
    assert len(large) == len(small)
    # Lookups for the filters, the outcomes the list's FilterSet offers, the columns, one grouped query.
    assert len(large) <= 10


def test_page_shows_the_map_the_table_and_the_reading_guide(client, catalogue):
    response = client.get("/evidence-gaps/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "How to read the map" in page
    assert "not proof that nothing works" in page
    assert "The map as a table" in page
    assert 'href="/programmes/?domain=mental_health&amp;need=universal&amp;evidence=4"' in page
    assert "app-gap--4" in page
    assert "Download this table as CSV" in page


def test_page_with_bad_input_says_what_it_ignored(client, catalogue):
    response = client.get("/evidence-gaps/?axis=%00&collection=nope&uk_evaluation=maybe")
    assert response.status_code == 200
    assert "There was a problem with your request" in response.content.decode()


def test_csv_has_one_row_per_cell_with_the_page_counts(client, catalogue):
    response = client.get("/evidence-gaps/export.csv?axis=age")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Child outcome domain", "Age group"]
    assert len(rows) == 1 + len(gaps.CHILD_DOMAINS) * AgeGroup.objects.count()
    name = AgeGroup.objects.get(slug="infants").name
    infants = next(r for r in rows if r[0] == OutcomeDomain.MENTAL_HEALTH.label and r[1] == name)
    assert infants[2:7] == ["1", "0", "0", "1", "2"]


def test_api_gives_the_page_counts(client, catalogue):
    data = client.get("/api/v1/evidence-gaps/?collection=attachment").json()
    gap = gaps.gap_map(QueryDict("collection=attachment"))
    mental = next(row for row in data["rows"] if row["domain"] == OutcomeDomain.MENTAL_HEALTH)
    universal = next(c for c in mental["cells"] if c["column"] == "universal")
    page_cell = cell(gap, OutcomeDomain.MENTAL_HEALTH, "universal")
    assert (universal["level_4"], universal["no_level_2"], universal["total"]) == (1, 0, page_cell.total)
    assert universal["programmes"].endswith(page_cell.url)


def test_api_refuses_bad_values_naming_them(client, catalogue):
    response = client.get("/api/v1/evidence-gaps/?axis=colour&delivery=nope")
    assert response.status_code == 400
    assert set(response.json()) == {"axis", "delivery"}


def test_home_page_and_navigation_link_to_the_map(client, catalogue):
    page = client.get("/").content.decode()
    assert page.count('href="/evidence-gaps/"') >= 2  # the service navigation and the home page's text
