"""The public pages: what a commissioner sees, bad input, CSV, and a fixed query count per page."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import AgeGroup, FindingTiming, OutcomeDomain, PublicationStatus
from tests.factories import (
    AgeGroupFactory,
    CollectionFactory,
    CountryFactory,
    FindingFactory,
    LevelOfNeedFactory,
    OutcomeFactory,
    ProgrammeFactory,
    PublicationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("catalogue:programme-list")
COMPARE = reverse("catalogue:programme-compare")


def text(response) -> str:
    return response.content.decode()


def full_programme(name="Infant-Parent Psychotherapy", studies=1, **kwargs):
    """A published programme with characteristics, studies, publications and headline findings."""
    programme = ProgrammeFactory(name=name, evidence_level=3, evidence_plus=True, **kwargs)
    programme.age_groups.set([AgeGroupFactory(slug="infants", name="Infants (under 1)")])
    programme.levels_of_need.set([LevelOfNeedFactory(slug="targeted-indicated", name="Targeted indicated")])
    programme.countries.set([CountryFactory(slug="united-states", name="United States")])
    collection = CollectionFactory()
    collection.programmes.add(programme)
    attachment = OutcomeFactory(name=f"Improved attachment security {name}")
    family = OutcomeFactory(name=f"Increased empathic behaviour {name}", domain=OutcomeDomain.FAMILY)
    for number in range(1, studies + 1):
        study = StudyFactory(programme=programme, number=number, citation_label=f"Author et al ({1990 + number})")
        study.countries.set([CountryFactory(slug="united-states")])
        PublicationFactory(study=study, doi=f"10.1000/study.{number}", title=f"Trial {number}")
        FindingFactory(study=study, outcome=attachment, improvement_index=33, statement="28.7-point increase")
        FindingFactory(study=study, outcome=family, is_headline=True)
    return programme


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        response.getvalue()  # a streamed download (CSV) reads its rows only now
    assert response.status_code == 200
    return len(queries)


# --------------------------------------------------------------------------- query budgets
def test_programme_list_query_count_is_the_same_for_1_and_30_programmes(client):
    full_programme("Programme 0")
    one = count_queries(client, LIST + "?age=infants&min_evidence=3")
    for n in range(1, 30):
        full_programme(f"Programme {n}")
    thirty = count_queries(client, LIST + "?age=infants&min_evidence=3")
    assert one == thirty
    assert thirty <= 30  # the budget: options, one aggregate per filter, the page and its prefetches


def test_programme_detail_query_count_is_the_same_for_1_and_10_studies(client):
    one = full_programme("One study", studies=1)
    ten = full_programme("Ten studies", studies=10)
    assert count_queries(client, one.get_absolute_url()) == count_queries(client, ten.get_absolute_url())


def test_compare_and_csv_query_counts_do_not_grow_with_studies(client):
    a, b = full_programme("A", studies=1), full_programme("B", studies=1)
    small = count_queries(client, f"{COMPARE}?p={a.slug}&p={b.slug}")
    csv_small = count_queries(client, LIST + "?format=csv")
    c, d = full_programme("C", studies=6), full_programme("D", studies=6)
    assert count_queries(client, f"{COMPARE}?p={c.slug}&p={d.slug}") == small
    assert count_queries(client, LIST + "?format=csv") == csv_small


def test_csv_query_count_is_the_same_for_1_and_20_programmes(client):
    full_programme("Programme 0", studies=1)
    one = count_queries(client, LIST + "?format=csv")
    for n in range(1, 20):
        full_programme(f"Programme {n}", studies=2)

    twenty = count_queries(client, LIST + "?format=csv")

    # The filter's own queries (its 7 lookups and the outcomes), the programmes (outcome domains annotated),
    # one per characteristic, and the sources' classifications of programmes we have not rated.
    assert one == twenty == 15


def test_csv_names_no_outcome_domain_without_headline_findings(client):
    programme = ProgrammeFactory(name="No headlines")
    FindingFactory(study=StudyFactory(programme=programme), is_headline=False)

    response = client.get(LIST + "?format=csv")

    row = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))[0]
    assert row["Child outcome domains"] == ""


def test_home_and_collection_query_counts_are_fixed(client):
    first = full_programme("First")
    collection = first.collections.get()
    home, page = count_queries(client, "/"), count_queries(client, collection.get_absolute_url())
    for n in range(5):
        collection.programmes.add(full_programme(f"More {n}"))
    assert count_queries(client, "/") == home
    assert count_queries(client, collection.get_absolute_url()) == page


# --------------------------------------------------------------------------- home
def test_home_shows_search_and_counts_by_evidence_level(client):
    ProgrammeFactory(evidence_level=3).levels_of_need.set([LevelOfNeedFactory(slug="targeted-indicated")])
    ProgrammeFactory(evidence_level=3)
    ProgrammeFactory(evidence_level=4, status=PublicationStatus.DRAFT, published_on=None)
    response = client.get("/")
    body = text(response)
    assert 'name="q"' in body
    assert (
        'Level 3 – evidence of efficacy</a></th>\n      <td class="govuk-table__cell govuk-table__cell--numeric">2<'
        in body
    )
    assert "2 programmes for children and families, each with a rating" in body
    assert "?need=targeted-indicated" in body  # browse by level of need: only needs some programme has
    # No finding is recorded in any domain: each is named once in a single line, not linked with "(0 programmes)".
    assert f"?domain={OutcomeDomain.MALTREATMENT}" not in body
    assert "No finding is recorded yet in: supporting children&#x27;s mental health and wellbeing;" in body
    assert "(0 programmes)" not in body
    assert "Level 4 – evidence of effectiveness" not in body  # no programme at that level: no empty row


def test_home_counts_rated_and_not_yet_rated_programmes_honestly(client):
    ProgrammeFactory(evidence_level=3)
    ProgrammeFactory(evidence_level=None)
    ProgrammeFactory(evidence_level=None)

    body = text(client.get("/"))

    assert "3 programmes for children and families. 1 has a rating of how strong the evidence is" in body
    assert "2 are not yet rated by us" in body
    assert "each with a rating" not in body


# --------------------------------------------------------------------------- list
def test_list_card_separates_the_rating_from_its_meaning(client):
    ProgrammeFactory(evidence_level=3, cost_rating=5)
    ProgrammeFactory(evidence_level=2, cost_rating=None)

    body = text(client.get(LIST))

    assert '5 <span class="app-meaning">– over £2,000 per child or family</span>' in body
    assert 'NA <span class="app-meaning">– information not available</span>' in body


def test_list_title_starts_error_when_the_error_summary_shows(client):
    assert "<title>Error: Programmes" in text(client.get(LIST + "?age=martians"))
    assert "<title>Programmes" in text(client.get(LIST))


def test_list_shows_summary_cards_with_ratings_and_compare_checkbox(client):
    programme = full_programme()
    body = text(client.get(LIST))
    assert programme.name in body
    assert "3+" in body and "Infants (under 1)" in body and "Targeted indicated" in body
    assert f'name="p" type="checkbox" value="{programme.slug}"' in body
    assert f'action="{COMPARE}"' in body


def test_list_never_shows_drafts_or_archived_programmes(client):
    ProgrammeFactory(name="Public one")
    ProgrammeFactory(name="Draft one", status=PublicationStatus.DRAFT, published_on=None)
    ProgrammeFactory(name="Archived one", status=PublicationStatus.ARCHIVED)
    body = text(client.get(LIST))
    assert "Public one" in body
    assert "Draft one" not in body and "Archived one" not in body


def test_list_shows_active_filters_as_removable_tags(client):
    full_programme()
    body = text(client.get(LIST + "?age=infants&min_evidence=3"))
    assert "Remove filter </span>Age group: Infants (under 1)" in body
    assert 'href="?min_evidence=3"' in body


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=-1",
        "?page=99999999999999999999",
        "?sort=drop+table",
        "?age=%00",
        "?evidence=5&cost=0&uk_provision=perhaps",
        "?q=%22%27%3C%3E%26%7C%21%3A%2A",
        "?q=%00%00",
        "?q=" + "x" * 5000,
        "?q=%F0%9F%98%80+attachment",
        "?outcome=" + "a" * 300,
        "?min_evidence=3&min_evidence=4",
    ],
)
def test_list_with_bad_input_still_renders(client, query):
    ProgrammeFactory(name="Still listed")
    # follow: a value cleaned to nothing ("%00") redirects to the address without it
    response = client.get(LIST + query, follow=True)
    assert response.status_code == 200
    assert "Still listed" in text(response) or "No programmes match" in text(response)


def test_list_explains_ignored_values_in_error_summary(client):
    ProgrammeFactory(name="Still listed")
    body = text(client.get(LIST + "?age=martians&page=7"))
    assert "govuk-error-summary" in body
    assert "“martians” is not one of the options for age group" in body
    assert "There is no page “7”" in body
    assert "Still listed" in body


def test_list_paginates_and_keeps_filters_in_page_links(client):
    for n in range(25):
        ProgrammeFactory(name=f"Programme {n:02}", evidence_level=3)
    body = text(client.get(LIST + "?min_evidence=3&page=2"))
    assert "Programme 24" in body and "Programme 00" not in body
    assert "?min_evidence=3&amp;page=1" in body


def test_list_search_result_heading_names_the_query(client):
    ProgrammeFactory(name="Family Nurse Partnership", acronym="FNP")
    from catalogue.services import refresh_search_documents

    refresh_search_documents()
    body = text(client.get(LIST + "?q=FNP"))
    assert "1 programme matching “FNP”" in body


# --------------------------------------------------------------------------- CSV
@pytest.mark.parametrize(
    "url", [LIST + "?format=csv&min_evidence=3", reverse("catalogue:programme-export") + "?min_evidence=3"]
)
def test_csv_has_one_row_per_matching_programme(client, url):
    full_programme("Infant-Parent Psychotherapy", studies=2)
    ProgrammeFactory(name="Weak one", evidence_level=1)
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="evidence-guidebook-programmes-')
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["Name"] == "Infant-Parent Psychotherapy"
    assert row["URL"] == "http://testserver/programmes/infant-parent-psychotherapy/"
    assert row["Evidence rating"] == "3+"
    assert row["Cost rating"] == "NA"
    assert row["Age groups"] == "Infants (under 1)"
    assert (
        row["Child outcome domains"]
        == "Supporting children's mental health and wellbeing; Parent, couple and family outcomes"
    )
    assert row["Countries where implemented"] == "United States"


def test_csv_guards_against_formula_injection(client):
    ProgrammeFactory(name='=HYPERLINK("http://evil")', summary="+1 cmd", acronym="@SUM")
    response = client.get(LIST + "?format=csv")
    row = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))[0]
    assert row["Name"].startswith("'=")
    assert row["Summary"] == "'+1 cmd"
    assert row["Acronym"] == "'@SUM"


# --------------------------------------------------------------------------- programme page
def test_programme_page_shows_every_section(client):
    programme = full_programme(
        scope_note="About one specific programme.",
        contact_name="Chandra Ghosh",
        contact_email="chandra@example.org",
        last_reviewed_on=datetime.date(2025, 3, 1),
    )
    programme.theory_of_change.create(order=1, text="Sensitive parenting builds secure attachment.")
    body = text(client.get(programme.get_absolute_url()))
    for expected in [
        "Infant-Parent Psychotherapy",
        "About one specific programme.",
        'id="evidence-rating"',
        'id="cost-rating"',
        '<strong class="app-rating">3+</strong>',
        '<strong class="app-rating">NA</strong>',
        "Supporting children&#x27;s mental health and wellbeing",
        "28.7-point increase",
        "+33",
        "move up to the 83rd percentile",
        "Other outcomes (parents and families)",
        "Based on",
        'href="#study-1"',
        'id="study-1"',
        "https://doi.org/10.1000/study.1",
        "Key programme characteristics",
        "United States",
        "Sensitive parenting builds secure attachment.",
        "Chandra Ghosh",
        "1 January 2024",
        "1 March 2025",
        "Cite this page",
        "http://testserver/programmes/infant-parent-psychotherapy/",
    ]:
        assert expected in body, expected


def test_programme_page_lists_parent_outcomes_with_their_source_study(client):
    programme = ProgrammeFactory(evidence_level=3, evidence_plus=True)
    study_1 = StudyFactory(programme=programme, number=1, citation_label="Lieberman et al (1991)")
    study_2 = StudyFactory(programme=programme, number=2, citation_label="Cicchetti et al (2006)")
    empathy = OutcomeFactory(name="Parental empathy", domain=OutcomeDomain.FAMILY)
    FindingFactory(study=study_1, outcome=empathy, outcome_label="Increased empathic behaviour", significant=True)
    FindingFactory(study=study_2, outcome=empathy, outcome_label="Increased empathic behaviour", significant=None)

    body = text(client.get(programme.get_absolute_url()))

    section = body[body.index("Other outcomes (parents and families)") : body.index('id="characteristics"')]
    assert section.count("Increased empathic behaviour") == 2
    assert "Study 1: Lieberman et al (1991)" in section
    assert "Study 2: Cicchetti et al (2006)" in section


def test_programme_page_study_block_lists_each_outcome_once_with_its_timings(client):
    programme = ProgrammeFactory()
    study = StudyFactory(programme=programme, number=2)
    attachment = OutcomeFactory(name="Attachment security")
    FindingFactory(study=study, outcome=attachment, outcome_label="Improved attachment security (% secure)")
    FindingFactory(
        study=study,
        outcome=attachment,
        outcome_label="Improved attachment security (% secure)",
        timing=FindingTiming.FOLLOW_UP,
        months_after_end=12,
    )

    body = text(client.get(programme.get_absolute_url()))

    study_block = body[body.index('id="study-2"') :]
    assert study_block.count("Improved attachment security (% secure)") == 1
    assert "Improved attachment security (% secure): immediately after the intervention; a year later" in study_block


def test_draft_preview_says_not_yet_published(analyst_client):
    programme = ProgrammeFactory(status=PublicationStatus.DRAFT, published_on=None, last_reviewed_on=None)

    body = text(analyst_client.get(programme.get_absolute_url()))

    dates = body[body.index(">Published</dt>") : body.index("</dl>", body.index(">Published</dt>"))]
    assert dates.count("Not yet published") == 2
    assert "Not reviewed since publication" not in body


def test_draft_preview_citation_says_not_yet_published_instead_of_an_empty_year(analyst_client):
    programme = ProgrammeFactory(
        name="Social Baby", status=PublicationStatus.DRAFT, published_on=None, last_reviewed_on=None
    )

    body = text(analyst_client.get(programme.get_absolute_url()))

    citation = body[body.index('id="cite-title"') :]
    citation = citation[: citation.index("</p>")]
    assert "Evidence Guidebook (not yet published). <i>Social Baby</i>." in citation
    assert "()" not in citation
    assert "Published ." not in citation


def test_published_page_citation_gives_year_and_date(client):
    programme = ProgrammeFactory(name="Social Baby", published_on=datetime.date(2023, 1, 1), last_reviewed_on=None)

    body = text(client.get(programme.get_absolute_url()))

    assert "Evidence Guidebook (2023). <i>Social Baby</i>. Published 1 January 2023." in body


def test_published_page_without_review_says_not_reviewed_since_publication(client):
    programme = ProgrammeFactory(published_on=datetime.date(2023, 1, 1), last_reviewed_on=None)

    body = text(client.get(programme.get_absolute_url()))

    assert "1 January 2023" in body
    assert "Not reviewed since publication" in body
    assert "Not yet published" not in body


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED])
def test_programme_page_is_404_unless_published(client, status):
    programme = ProgrammeFactory(status=status, published_on=None if status == PublicationStatus.DRAFT else None)
    assert client.get(programme.get_absolute_url()).status_code == 404


# --------------------------------------------------------------------------- comparison
def test_compare_shows_programmes_side_by_side_and_says_it_is_not_a_ranking(client):
    a = full_programme("Infant-Parent Psychotherapy")
    b = full_programme("Child First")
    body = text(client.get(f"{COMPARE}?p={a.slug}&p={b.slug}"))
    assert "It is not a ranking" in body
    assert body.index("Infant-Parent Psychotherapy") < body.index("Child First")
    assert "+33" in body
    assert "govuk-error-summary" not in body


def test_compare_lists_each_parent_outcome_once_per_programme(client):
    a = full_programme("Infant-Parent Psychotherapy", studies=2)  # two studies, same parent outcome
    b = full_programme("Child First")

    body = text(client.get(f"{COMPARE}?p={a.slug}&p={b.slug}"))

    row = body[body.index("Parent and family outcomes</th>") : body.index("Age groups</th>")]
    assert row.count("Increased empathic behaviour Infant-Parent Psychotherapy") == 1
    assert "None recorded yet" not in row


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?p=only-one", "Choose at least 2 programmes"),
        ("", "Choose at least 2 programmes"),
        ("?p=a&p=nowhere", "We could not find a published programme called “nowhere”"),
        ("?p=a&p=b&p=c&p=d&p=e", "You can compare up to 4 programmes at a time, so we left out E"),
        ("?p=a&p=draft", "We could not find a published programme called “draft”, so it is not shown"),
        ("?p=a&p=nope&p=zzz", "We could not find published programmes called “nope” and “zzz”, so they are not shown"),
    ],
)
def test_compare_explains_what_it_could_not_use(client, query, message):
    for name in "ABCDE":
        ProgrammeFactory(name=name, slug=name.lower())
    ProgrammeFactory(name="Draft", slug="draft", status=PublicationStatus.DRAFT, published_on=None)
    ProgrammeFactory(name="Only one", slug="only-one")
    response = client.get(COMPARE + query)
    assert response.status_code == 200
    assert "govuk-error-summary" in text(response)
    assert message in text(response)


def test_compare_with_one_valid_and_many_bogus_never_fails(client):
    ProgrammeFactory(slug="a")
    query = "&".join(f"p=x{n}" for n in range(200)) + "&p=a&p=%00"
    assert client.get(f"{COMPARE}?{query}").status_code == 200


# --------------------------------------------------------------------------- collections
def test_collection_groups_published_programmes_by_evidence_level(client):
    collection = CollectionFactory(name="Attachment")
    collection.programmes.set(
        [
            ProgrammeFactory(name="Strong", evidence_level=4),
            ProgrammeFactory(name="Efficacy", evidence_level=3),
            ProgrammeFactory(name="Unrated", evidence_level=None),
            ProgrammeFactory(name="Hidden draft", status=PublicationStatus.DRAFT, published_on=None),
        ]
    )
    body = text(client.get(collection.get_absolute_url()))
    assert (
        body.index("Level 4 – evidence of effectiveness")
        < body.index("Strong")
        < body.index("Level 3 – evidence of efficacy")
        < body.index("Efficacy")
        < body.index("Not yet rated")
        < body.index("Unrated")
    )
    assert "Hidden draft" not in body


def test_collection_index_lists_collections_with_published_counts(client):
    collection = CollectionFactory(name="Attachment")
    collection.programmes.set([ProgrammeFactory(), ProgrammeFactory(status=PublicationStatus.DRAFT, published_on=None)])
    body = text(client.get(reverse("catalogue:collection-list")))
    assert "Attachment" in body and "1 programme<" in body


def test_unknown_collection_is_404(client):
    assert client.get(reverse("catalogue:collection-detail", args=["nope"])).status_code == 404


# --------------------------------------------------------------------------- improvement index in words
@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (33, "move up to the 83rd percentile: better outcomes than 83% of their peers."),
        (49, "move up to the 99th percentile: better outcomes than 99% of their peers."),
        (50, "move up to above the 99th percentile: better outcomes than more than 99% of their peers."),
        (-12, "move down to the 38th percentile"),
        (-50, "move down to below the 1st percentile"),
    ],
)
def test_improvement_index_words_never_claim_100_or_0_percent(index, expected):
    from catalogue.display import improvement_index_words

    words = improvement_index_words(index)

    assert expected in words
    assert "100%" not in words and "100th" not in words and " 0%" not in words and " 0th" not in words


def test_csv_is_streamed_and_its_header_comes_before_any_query(client):
    ProgrammeFactory()
    response = client.get(LIST + "?format=csv")
    assert response.streaming

    with CaptureQueriesContext(connection) as queries:
        first = next(iter(response.streaming_content))

    assert first.decode("utf-8-sig").startswith("Name,Acronym,URL,")
    assert len(queries) == 0  # the download starts before the catalogue is read
    b"".join(response.streaming_content)  # finish, so the database cursor closes


def test_csv_reads_programmes_in_chunks_each_with_its_characteristics(client, monkeypatch):
    from catalogue import exports

    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    monkeypatch.setattr(exports, "ROWS_PER_CHUNK", 4)
    age = AgeGroup.objects.order_by("order").first()
    for n in range(12):
        ProgrammeFactory(name=f"Programme {n:02}").age_groups.add(age)

    rows = list(csv.DictReader(io.StringIO(client.get(LIST + "?format=csv&sort=name").getvalue().decode("utf-8-sig"))))

    assert [row["Name"] for row in rows] == [f"Programme {n:02}" for n in range(12)]
    assert {row["Age groups"] for row in rows} == {age.name}


# --------------------------------------------------------------------------- long option lists
def _collections_of_sizes(sizes):
    """Collections named "Size <n>" holding n published programmes each (one programme may be in many)."""
    programmes = [ProgrammeFactory() for _ in range(max(sizes))]
    collections = []
    for number, size in enumerate(sizes):
        collection = CollectionFactory(name=f"Size {size:02} ({number})", order=number)
        collection.programmes.set(programmes[:size])
        collections.append(collection)
    return collections


def test_home_shows_the_largest_collections_and_links_to_all(client):
    _collections_of_sizes(range(1, 16))  # 15 collections of 1 to 15 programmes

    response = client.get("/")

    shown = [collection.name for collection in response.context["collections"]]
    assert len(shown) == 12
    assert "Size 01 (0)" not in shown and "Size 15 (14)" in shown
    assert shown == sorted(shown)  # in the collections' own order (here by size)
    assert 'href="/collections/">See all collections</a>' in response.content.decode()


def test_home_lists_every_collection_without_a_link_when_few(client):
    _collections_of_sizes([3, 1])

    response = client.get("/")

    assert len(response.context["collections"]) == 2
    assert "See all collections" not in response.content.decode()


def test_list_collection_filter_shows_the_20_largest_and_any_ticked(client):
    collections = _collections_of_sizes(range(1, 26))  # 25 collections
    smallest = collections[0]

    response = client.get(LIST, {"collection": smallest.slug})

    facet = next(f for f in response.context["facets"] if f.param == "collection")
    names = [option.label for option in facet.options]
    assert len(names) == 21  # the 20 largest, and the one ticked
    assert smallest.name in names and "Size 02 (1)" not in names
    content = response.content.decode()
    assert "4 more give results" in content
    assert 'href="/collections/">See all collections</a>' in content


def test_home_and_list_query_counts_do_not_grow_with_collections(client):
    _collections_of_sizes([2, 1])
    home, listing = count_queries(client, "/"), count_queries(client, LIST)
    _collections_of_sizes(range(1, 30))

    assert count_queries(client, "/") == home
    assert count_queries(client, LIST) == listing


def test_list_pagination_links_the_ends_and_pages_near_the_current_one_only(client, monkeypatch):
    from catalogue import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    for n in range(12):
        ProgrammeFactory(name=f"Programme {n:02}")

    content = client.get(LIST, {"page": 6, "sort": "name"}).content.decode()

    linked = re.findall(r'aria-label="Page (\d+)"', content)
    assert linked == ["1", "4", "5", "6", "7", "8", "12"]
    assert content.count("govuk-pagination__item--ellipses") == 2
    assert 'href="?page=7&amp;sort=name" rel="next"' in content  # the other parameters kept
