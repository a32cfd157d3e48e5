"""The programme list's filters: they combine, count, sort and survive bad input."""

import datetime

import pytest
from django.http import QueryDict

from catalogue.filters import ProgrammeFilterSet
from catalogue.models import OutcomeDomain, Programme, PublicationStatus
from catalogue.services import refresh_search_documents
from tests.factories import (
    AgeGroupFactory,
    CollectionFactory,
    FindingFactory,
    LevelOfNeedFactory,
    OutcomeFactory,
    ProgrammeFactory,
    SettingFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def run(query: str) -> ProgrammeFilterSet:
    return ProgrammeFilterSet(QueryDict(query), queryset=Programme.objects.published())


def names(query: str) -> list[str]:
    return [p.name for p in run(query).qs]


def counts(query: str, param: str) -> dict[str, int]:
    facet = next(f for f in run(query).facets() if f.param == param)
    return {o.value: o.count for o in facet.options}


@pytest.fixture
def catalogue():
    infants = AgeGroupFactory(slug="infants", name="Infants (under 1)")
    toddlers = AgeGroupFactory(slug="toddlers", name="Toddlers (1 to 2)")
    indicated = LevelOfNeedFactory(slug="targeted-indicated", name="Targeted indicated")
    universal = LevelOfNeedFactory(slug="universal", name="Universal")
    ipp = ProgrammeFactory(name="Infant-Parent Psychotherapy", evidence_level=3, evidence_plus=True, cost_rating=None)
    ipp.age_groups.set([infants])
    ipp.levels_of_need.set([indicated])
    cpp = ProgrammeFactory(name="Child-Parent Psychotherapy", evidence_level=4, cost_rating=4, estimated_unit_cost=1500)
    cpp.age_groups.set([infants, toddlers])
    cpp.levels_of_need.set([indicated])
    baby = ProgrammeFactory(name="Social Baby", evidence_level=0, cost_rating=1, estimated_unit_cost=50)
    baby.age_groups.set([infants])
    baby.levels_of_need.set([universal])
    fam = ProgrammeFactory(name="Family Foundations", evidence_level=2, cost_rating=2, estimated_unit_cost=300)
    fam.age_groups.set([toddlers])
    return {"ipp": ipp, "cpp": cpp, "baby": baby, "fam": fam}


def test_filters_within_one_filter_are_alternatives(catalogue):
    assert names("evidence=4&evidence=NE") == ["Child-Parent Psychotherapy", "Social Baby"]


def test_filters_across_filters_all_apply(catalogue):
    assert names("age=infants&need=targeted-indicated&min_evidence=3") == [
        "Child-Parent Psychotherapy",
        "Infant-Parent Psychotherapy",
    ]


def test_lookup_filter_lists_programme_once_when_two_options_match(catalogue):
    assert names("age=infants&age=toddlers").count("Child-Parent Psychotherapy") == 1


def test_min_evidence_filter_means_level_or_above(catalogue):
    assert names("min_evidence=3") == ["Child-Parent Psychotherapy", "Infant-Parent Psychotherapy"]


def test_cost_filter_na_means_no_cost_rating(catalogue):
    assert names("cost=NA") == ["Infant-Parent Psychotherapy"]
    assert names("cost=NA&cost=1") == ["Infant-Parent Psychotherapy", "Social Baby"]


def test_facet_counts_ignore_their_own_selection(catalogue):
    # Options giving nothing stay listed (disabled) in a group with a selection: tests/catalogue/test_list_page.py
    assert {value: n for value, n in counts("age=infants", "age").items() if n} == {"infants": 3, "toddlers": 2}


def test_facet_counts_apply_the_other_filters(catalogue):
    assert counts("age=infants", "need") == {"targeted-indicated": 2, "universal": 1}
    # Options giving nothing are hidden in a group without a selection: tests/catalogue/test_list_page.py
    assert counts("age=toddlers", "evidence") == {"4": 1, "2": 1}


def test_min_evidence_options_count_levels_at_or_above(catalogue):
    facet = next(f for f in run("evidence=NE").facets() if f.param == "evidence")
    assert {o.value: o.count for o in facet.extra} == {"4": 1, "3": 2, "2": 3}


def test_setting_filter_includes_may_also_be_delivered_in():
    school = SettingFactory(slug="school", name="School")
    main = ProgrammeFactory(name="In schools")
    main.settings.set([school])
    also = ProgrammeFactory(name="Also in schools")
    also.other_settings.set([school])
    also.settings.set([school])
    ProgrammeFactory(name="Elsewhere")
    assert names("setting=school") == ["Also in schools", "In schools"]
    assert counts("", "setting") == {"school": 2}


def test_outcome_filters_use_headline_findings_of_published_programmes():
    attachment = OutcomeFactory(name="Improved attachment", slug="improved-attachment")
    shown = FindingFactory(outcome=attachment, study=StudyFactory(programme=ProgrammeFactory(name="Shown")))
    FindingFactory(outcome=attachment, is_headline=False, study=StudyFactory(programme=ProgrammeFactory(name="Hidden")))
    draft = ProgrammeFactory(name="Draft", status=PublicationStatus.DRAFT, published_on=None)
    FindingFactory(outcome=attachment, study=StudyFactory(programme=draft))
    refresh_search_documents()  # factories write findings directly; the services derive ProgrammeOutcome
    assert names("outcome=improved-attachment") == [shown.study.programme.name]
    assert names(f"domain={OutcomeDomain.MENTAL_HEALTH}") == ["Shown"]
    assert counts("", "outcome") == {"improved-attachment": 1}
    assert counts("", "domain")[OutcomeDomain.MENTAL_HEALTH] == 1


def test_collection_and_uk_filters(catalogue):
    collection = CollectionFactory(slug="attachment")
    collection.programmes.set([catalogue["ipp"], catalogue["baby"]])
    Programme.objects.filter(pk=catalogue["baby"].pk).update(uk_provision=True)
    assert names("collection=attachment") == ["Infant-Parent Psychotherapy", "Social Baby"]
    assert names("collection=attachment&uk_provision=yes") == ["Social Baby"]
    assert counts("collection=attachment", "uk_provision") == {"yes": 1}  # "no" would give nothing: hidden


def test_unknown_values_are_dropped_and_reported_keeping_valid_ones(catalogue):
    filterset = run("age=infants&age=martians&evidence=9&sort=sideways&uk_provision=maybe")
    assert [p.name for p in filterset.qs] == [
        "Child-Parent Psychotherapy",
        "Infant-Parent Psychotherapy",
        "Social Baby",
    ]
    messages = " ".join(problem.message for problem in filterset.problems)
    assert "“martians” is not one of the options for age group" in messages
    assert "“9”" in messages and "“maybe”" in messages
    assert "sort order" in messages


def test_overlong_search_is_cut_and_reported(catalogue):
    filterset = run("q=" + "a" * 1000)
    assert len(filterset.search_text) == 200
    assert "too long" in filterset.problems[0].message


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Child-Parent Psychotherapy", "Family Foundations", "Infant-Parent Psychotherapy", "Social Baby"]),
        (
            "evidence",
            ["Child-Parent Psychotherapy", "Infant-Parent Psychotherapy", "Family Foundations", "Social Baby"],
        ),
        # NA (no information) after every known cost.
        ("cost", ["Social Baby", "Family Foundations", "Child-Parent Psychotherapy", "Infant-Parent Psychotherapy"]),
    ],
)
def test_sort_orders(catalogue, sort, expected):
    assert names(f"sort={sort}") == expected


def test_sort_by_last_reviewed_puts_most_recent_first_and_unreviewed_last(catalogue):
    Programme.objects.filter(pk=catalogue["fam"].pk).update(last_reviewed_on=datetime.date(2025, 5, 1))
    Programme.objects.filter(pk=catalogue["baby"].pk).update(last_reviewed_on=datetime.date(2024, 5, 1))
    assert names("sort=reviewed")[:2] == ["Family Foundations", "Social Baby"]


def test_relevance_sort_without_search_falls_back_to_name(catalogue):
    assert run("sort=relevance").sort == "name"
    assert run("q=baby").sort == "relevance"


def test_active_filters_each_link_to_the_list_without_it(catalogue):
    tags = run("age=infants&age=toddlers&min_evidence=3&page=2").active_filters()
    assert ("Age group", "Infants (under 1)", "age=toddlers&min_evidence=3") in tags
    assert ("Minimum evidence rating", "Level 3 or above", "age=infants&age=toddlers") in tags


def test_thousands_of_unknown_values_give_a_short_explanation(catalogue):
    filterset = run("&".join(f"age=x{n}" for n in range(900)) + "&age=infants")
    assert len(filterset.problems) == 10
    assert len(filterset.qs) == 3


# --------------------------------------------------------------------------- query plans (PostgreSQL)
@pytest.mark.postgres
def test_list_with_search_and_filters_never_scans_the_programme_table(client, catalogue):
    """Every statement of the list page is served by an index once the planner is told sequential
    scans are dear (a test table is too small for it to choose indexes on its own)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    refresh_search_documents()
    url = reverse("catalogue:programme-list") + "?q=psychotherapy&min_evidence=3&age=infants&domain=mental_health"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    statements = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "catalogue_programme" in q["sql"]]
    assert statements
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in statements:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on catalogue_programme " not in plan, f"{sql}\n{plan}"


def test_programme_domain_rows_pairs_programmes_with_headline_outcome_domains():
    from catalogue.filters import programme_domain_rows

    shown = StudyFactory(programme=ProgrammeFactory(name="Shown"))
    FindingFactory(study=shown, outcome=OutcomeFactory(domain=OutcomeDomain.SCHOOL))
    FindingFactory(study=shown, outcome=OutcomeFactory(domain=OutcomeDomain.CRIME), is_headline=False)
    refresh_search_documents()
    rows = programme_domain_rows(Programme.objects.values("pk"))
    assert list(rows) == [{"programme_id": shown.programme_id, "domain": OutcomeDomain.SCHOOL}]


def test_unfiltered_facets_count_the_same_as_one_facet_at_a_time(catalogue):
    from catalogue.filters import ONE_PASS_FACETS, count_programmes_by

    filterset = run("age=infants")
    shown = {facet.param: {o.value: o.count for o in facet.options if o.count} for facet in filterset.facets()}
    ids = filterset.queryset_ignoring()
    for param in ONE_PASS_FACETS:
        assert shown[param] == count_programmes_by(param, ids)
