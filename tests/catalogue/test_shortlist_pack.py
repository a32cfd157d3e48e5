"""The commissioning pack (catalogue/pack.py and /shortlist/pack/): what each page says, drafts, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from catalogue.models import OutcomeDomain, PublicationStatus
from tests.factories import (
    AgeGroupFactory,
    FindingFactory,
    LevelOfNeedFactory,
    OutcomeFactory,
    ProgrammeFactory,
    PublicationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

ADD = reverse("catalogue:shortlist-add")
PACK = reverse("catalogue:shortlist-pack")


def text(response) -> str:
    return response.content.decode()


def rich_programme(name, studies=2, **kwargs):
    """A published programme with characteristics, cost inputs, studies, publications and findings."""
    defaults = {
        "evidence_level": 3,
        "evidence_plus": True,
        "cost_rating": 5,
        "estimated_unit_cost": Decimal("2500"),
        "sessions": 32,
        "session_hours_min": Decimal("1"),
        "session_hours_max": Decimal("1.5"),
        "practitioners_per_session": 1,
        "practitioner_level": 3,
        "training_hours": Decimal("40"),
        "licence_required": False,
        "uk_provision": True,
        "uk_evaluation": False,
        "last_reviewed_on": datetime.date(2025, 6, 1),
    }
    programme = ProgrammeFactory(name=name, **{**defaults, **kwargs})
    programme.age_groups.set([AgeGroupFactory(name=f"Infants {name}", slug=f"infants-{programme.slug}")])
    programme.levels_of_need.set([LevelOfNeedFactory(name=f"Targeted {name}", slug=f"targeted-{programme.slug}")])
    attachment = OutcomeFactory(name=f"Attachment security {name}")
    empathy = OutcomeFactory(name=f"Parental empathy {name}", domain=OutcomeDomain.FAMILY)
    for number in range(1, studies + 1):
        study = StudyFactory(programme=programme, number=number, citation_label=f"Cicchetti et al ({2000 + number})")
        PublicationFactory(study=study, doi=f"10.1017/S0954579406{number}", title=f"Fostering attachment {number}")
        FindingFactory(
            study=study,
            outcome=attachment,
            improvement_index=19,
            effect_size=Decimal("0.5"),
            ci_low=Decimal("0.1"),
            ci_high=Decimal("0.88"),
            statement="40.9-percentage-point increase in the proportion securely attached",
            is_headline=True,
        )
        FindingFactory(study=study, outcome=empathy, is_headline=True)
    return programme


def shortlist(client, *programmes):
    for programme in programmes:
        client.post(ADD, {"slug": programme.slug})
    client.get(reverse("catalogue:shortlist"))  # shows (and clears) the "added" messages


def test_pack_has_one_page_per_programme_with_what_a_commissioner_needs(client):
    ipp = rich_programme("Infant-Parent Psychotherapy", acronym="IPP")
    other = rich_programme("Child First", studies=1, last_reviewed_on=None)
    shortlist(client, ipp, other)

    page = text(client.get(PACK))

    assert page.count('class="app-pack-page"') == 2
    assert page.index("Infant-Parent Psychotherapy (IPP)") < page.index("Child First</h2>")
    assert "A summary of the evidence, not a recommendation." in page
    assert f"Prepared on {timezone.localdate():%-d %B %Y}" in page
    # ratings and what they mean
    assert '<strong class="app-rating">3+</strong>' in page
    assert "What the plus" not in page and "Why not 4:" in page
    # cost rating and the local estimate's inputs
    assert "Over £2,000 per child or family" in page
    assert "Estimated unit cost: £2,500.00 per child or family" in page
    assert "1 to 1.50 hours" in page and "High – postgraduate" in page and "Practitioner training" in page
    # outcomes with improvement index and range
    assert "+19, plausible range +4 to +31" in page
    assert "40.9-percentage-point increase in the proportion securely attached" in page
    assert "Other outcomes (parents and families)" in page
    # who it is for, UK evidence, studies and dates
    assert "Infants Infant-Parent Psychotherapy" in page
    assert "This programme has been implemented in the UK." in page
    assert "Study 1: Cicchetti et al (2001)." in page and "doi:10.1017/S09545794061" in page
    assert "Page last reviewed: 1 June 2025." in page
    assert "Page last reviewed: not reviewed since publication on 1 January 2024." in page


def test_pack_print_styles_are_a4_and_break_between_programmes():
    from pathlib import Path

    css = (Path(__file__).parents[2] / "static" / "css" / "pack.css").read_text()

    assert "size: A4" in css
    assert "break-before: page" in css


def test_pack_never_shows_a_programme_unpublished_since_it_was_shortlisted(client):
    kept, withdrawn = rich_programme("Kept", studies=1), rich_programme("Withdrawn", studies=1)
    shortlist(client, kept, withdrawn)
    withdrawn.status = PublicationStatus.DRAFT
    withdrawn.save()

    page = text(client.get(PACK))

    assert page.count('class="app-pack-page"') == 1
    assert "Withdrawn" not in page
    assert "no longer published" in page


def test_empty_pack_says_how_to_fill_it(client):
    page = text(client.get(PACK))

    assert "Your shortlist is empty" in page
    assert 'class="app-pack-page"' not in page


def count_queries(client, url) -> int:
    """Queries one GET makes (counted as they run: the debug query log is capped, so slicing it can miss some)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        assert client.get(url).status_code == 200
    return count


def test_pack_query_count_does_not_grow_with_programmes_or_studies(client):
    shortlist(client, rich_programme("First", studies=1))
    one = count_queries(client, PACK)
    shortlist(client, *[rich_programme(f"More {n}", studies=3) for n in range(5)])

    six = count_queries(client, PACK)

    assert six == one
    assert text(client.get(PACK)).count('class="app-pack-page"') == 6
