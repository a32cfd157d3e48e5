"""The programme list's filter panel and addresses: one rule for options that give no results, no empty
groups, canonical URLs without empty parameters, and no download of nothing."""

import re

import pytest
from django.urls import reverse

from catalogue.filters import Option, ProgrammeFilterSet, without_dead_ends
from catalogue.models import Programme
from tests.factories import AgeGroupFactory, CollectionFactory, LevelOfNeedFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("catalogue:programme-list")


def text(response) -> str:
    return response.content.decode()


def facet(query: dict, param: str):
    filterset = ProgrammeFilterSet(_query(query), queryset=Programme.objects.published())
    return next(f for f in filterset.facets() if f.param == param)


def _query(values: dict):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


@pytest.fixture
def catalogue():
    infants = AgeGroupFactory(slug="infants", name="Infants (under 1)")
    toddlers = AgeGroupFactory(slug="toddlers", name="Toddlers (1 to 2)")
    AgeGroupFactory(slug="teens", name="Teenagers")  # no programme at all
    level_4 = ProgrammeFactory(name="Strong", evidence_level=4, cost_rating=1)
    level_4.age_groups.set([infants])
    level_2 = ProgrammeFactory(name="Weak", evidence_level=2, cost_rating=2)
    level_2.age_groups.set([toddlers])
    return {"infants": infants, "toddlers": toddlers}


# ------------------------------------------------------------------ the zero-count rule
def test_rule_hides_zero_options_in_a_group_without_a_selection():
    options = [Option("a", "A", 2), Option("b", "B", 0)]

    assert [o.value for o in without_dead_ends(options, active=False)] == ["a"]


def test_rule_disables_zero_options_in_a_group_with_a_selection_but_never_a_ticked_one():
    options = [Option("a", "A", 2, checked=True), Option("b", "B", 0), Option("c", "C", 0, checked=True)]

    shown = without_dead_ends(options, active=True)

    assert [(o.value, o.disabled) for o in shown] == [("a", False), ("b", True), ("c", False)]


@pytest.mark.parametrize("param", ["evidence", "cost", "age"])
def test_every_group_hides_zero_options_without_a_selection(catalogue, param):
    options = facet({"q": ""}, param).options

    assert options and all(o.count for o in options)


def test_a_group_with_a_selection_shows_its_zero_options_disabled(catalogue):
    # Level 4 and infants: toddlers would give nothing, but stays in place, disabled, with its (0).
    age = facet({"evidence": "4", "age": "infants"}, "age")

    shown = {o.value: (o.count, o.checked, o.disabled) for o in age.options}
    assert shown["infants"] == (1, True, False)
    assert shown["toddlers"] == (0, False, True)
    assert all(disabled == (count == 0) for count, _checked, disabled in shown.values())


def test_evidence_group_counts_minimum_rating_as_its_selection(catalogue):
    evidence = facet({"min_evidence": "3", "age": "toddlers"}, "evidence")

    assert [(o.value, o.disabled) for o in evidence.options] == [
        ("4", True),
        ("3", True),
        ("2", False),
        ("NL2", True),
        ("NE", True),
    ]
    assert [(o.value, o.count, o.disabled) for o in evidence.extra] == [
        ("4", 0, True),
        ("3", 0, False),  # the chosen one, never disabled
        ("2", 1, False),
    ]


def test_disabled_options_render_disabled_with_their_zero(client, catalogue):
    page = text(client.get(LIST, {"evidence": "4", "age": "infants"}))

    option = r'<input[^>]*value="toddlers"[^>]*>\s*<label[^>]*>([^<]*)<span class="app-count">\((\d+)\)'
    toddlers = re.search(option, page)
    assert toddlers and "disabled" in toddlers.group(0) and toddlers.group(2) == "0"
    assert 'value="teens"' in page  # the group has a selection: every option stays, in place
    assert 'value="teens"' not in text(client.get(LIST, {"evidence": "4"}))


def test_no_group_opens_empty_under_a_collection(client, catalogue):
    collection = CollectionFactory(slug="supporting-the-attachment-relationship")
    collection.programmes.add(ProgrammeFactory(name="No outcomes, no level of need"))

    page = text(client.get(LIST, {"collection": collection.slug}))

    assert 'id="facet-outcome"' not in page
    assert 'id="facet-need"' not in page
    assert 'id="facet-collection"' in page
    # every checkboxes block has inputs (GOV.UK Frontend's checkboxes log an error for an empty one)
    blocks = re.findall(r'data-module="govuk-checkboxes">(.*?)</div>\s*</fieldset>', page, re.S)
    assert blocks and all("govuk-checkboxes__input" in block for block in blocks)


def test_a_search_with_no_results_shows_no_empty_groups_and_no_download(client, catalogue):
    page = text(client.get(LIST, {"q": "atachment"}))

    assert "0 programmes" in page
    assert 'class="govuk-details app-facet"' not in page
    assert "Apply filters" not in page
    assert "Download these results" not in page


def test_download_link_shows_with_results(client, catalogue):
    assert "Download these results as a spreadsheet (CSV, 2 rows)" in text(client.get(LIST))


# ------------------------------------------------------------------ canonical addresses
@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("?q=&uk_provision=&uk_evaluation=", LIST),
        ("?q=parent&uk_provision=&uk_evaluation=", f"{LIST}?q=parent"),
        ("?min_evidence=&age=infants&age=", f"{LIST}?age=infants"),
        ("?q=%20%20&page=", LIST),
    ],
)
def test_empty_parameters_redirect_to_the_canonical_address(client, catalogue, query, canonical):
    response = client.get(f"{LIST}{query}")

    assert response.status_code in (301, 302)
    assert response.url == canonical


def test_an_address_without_empty_parameters_does_not_redirect(client, catalogue):
    assert client.get(LIST, {"q": "strong", "age": "infants"}).status_code == 200
    assert client.get(LIST).status_code == 200


def test_level_of_need_without_programmes_is_not_offered(client, catalogue):
    LevelOfNeedFactory(slug="universal", name="Universal")

    assert 'value="universal"' not in text(client.get(LIST))
