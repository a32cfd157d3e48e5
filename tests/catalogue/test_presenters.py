"""catalogue/presenters.py: the programme page's summary rows, each label with what it says."""

import datetime
from decimal import Decimal

import pytest
from django.utils.html import format_html

from catalogue import presenters
from catalogue.models import FindingTiming, OutcomeDomain, Programme, PublicationStatus
from tests.factories import (
    AgeGroupFactory,
    CollectionFactory,
    CountryFactory,
    FindingFactory,
    OutcomeFactory,
    ProgrammeFactory,
    SettingFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def detail(programme) -> Programme:
    return Programme.objects.for_detail().get(pk=programme.pk)


def labels(rows) -> list[str]:
    return [label for label, _value in rows]


def test_key_facts_give_codes_meanings_and_dates():
    programme = ProgrammeFactory(
        evidence_level=3,
        evidence_plus=True,
        cost_rating=2,
        assessed_in="Foundations for Life",
        assessed_on=datetime.date(2016, 5, 1),
        published_on=datetime.date(2024, 1, 1),
        last_reviewed_on=None,
        rating_difference_note="",  # no publisher's note: the row is the rating and its meaning only
    )

    rows = dict(presenters.key_fact_rows(programme))

    assert rows["Evidence rating"] == '<strong class="app-rating">3+</strong> Evidence of efficacy'
    assert rows["Cost rating"] == '<strong class="app-rating">2</strong> £100 to £499 per child or family'
    assert rows["Assessed in"] == "Foundations for Life, May 2016"
    assert rows["Published"] == "1 January 2024"
    assert rows["Last reviewed"] == "Not reviewed since publication"


def test_key_fact_rating_points_to_the_note_on_a_rating_the_studies_do_not_reproduce():
    programme = ProgrammeFactory(evidence_level=3, rating_difference_note="Rated in an assessment not yet entered.")

    rows = dict(presenters.key_fact_rows(programme))

    assert rows["Evidence rating"] == (
        '<strong class="app-rating">3</strong> Evidence of efficacy<br><span class="app-meaning">Not the rating the '
        'recorded studies support: <a class="govuk-link" href="#rating-difference">why</a>.</span>'
    )


def test_key_facts_of_an_unrated_draft_with_nothing_recorded():
    programme = ProgrammeFactory(
        evidence_level=None, status=PublicationStatus.DRAFT, published_on=None, last_reviewed_on=None
    )

    rows = presenters.key_fact_rows(programme)

    assert labels(rows) == [
        "Evidence rating",
        "Cost rating",
        "Age groups",
        "Level of need",
        "Delivery model",
        "UK evidence",
        "Published",
        "Last reviewed",
    ]
    assert rows[0][1] == '<strong class="app-rating">Not yet rated</strong>'
    assert rows[1][1] == '<strong class="app-rating">NA</strong> Information not available'
    assert [value for _label, value in rows[2:5]] == ["Not given by our sources"] * 3
    assert rows[5][1] == "Not known whether it has been evaluated or implemented in the UK"
    assert [value for _label, value in rows[6:]] == ["Not yet published", "Not yet published"]


def test_key_facts_show_the_values_of_the_characteristics_below():
    programme = ProgrammeFactory(uk_provision=True, uk_evaluation=False)
    programme.age_groups.set([AgeGroupFactory(slug="infants", name="Infants (under 1)")])

    facts, characteristics = dict(presenters.key_fact_rows(programme)), dict(presenters.characteristic_rows(programme))

    assert facts["Age groups"] == characteristics["Age groups"] == "Infants (under 1)"
    assert facts["UK evidence"] == format_html(
        "{}<br>{}", characteristics["UK evaluation"], characteristics["UK provision"]
    )


def test_study_summary_line_gives_design_size_country_and_rating():
    study = StudyFactory(sample_size=137)
    study.countries.set([CountryFactory(slug="united-states", name="United States")])

    line = presenters.study_summary_line(study)

    assert line == f"{study.get_design_display()}; 137 participants; United States; study rating: 3"


def test_characteristic_rows_name_what_the_sources_leave_out_once_and_say_not_known():
    rows = presenters.characteristic_rows(detail(ProgrammeFactory(uk_provision=None, uk_evaluation=False)))

    assert rows == [
        ("UK provision", "Not known"),
        ("UK evaluation", "This programme's best evidence does not include an evaluation conducted in the UK."),
        ("Collections", "Not in any collection"),
        (
            "Not given by our sources",
            "Age groups, level of need, delivery model, settings, where it has been implemented",
        ),
    ]


def test_characteristic_rows_leave_out_further_settings_the_evidence_already_names():
    programme = ProgrammeFactory()
    home = SettingFactory(name="Home", slug="home")
    programme.settings.set([home])
    programme.other_settings.set([home])

    rows = dict(presenters.characteristic_rows(detail(programme)))

    assert rows["Settings"] == "Home"
    assert "May also be delivered in" not in rows


def test_characteristic_rows_link_collections_and_add_further_settings():
    programme = ProgrammeFactory(uk_provision=True)
    programme.other_settings.set([SettingFactory(name="School", slug="school")])
    CollectionFactory(name="Attachment <b>", slug="attachment").programmes.add(programme)
    CollectionFactory(name="Parenting", slug="parenting").programmes.add(programme)

    rows = dict(presenters.characteristic_rows(detail(programme)))

    assert rows["May also be delivered in"] == "School"
    assert rows["UK provision"] == "This programme has been implemented in the UK."
    assert rows["Collections"] == (
        '<a class="govuk-link" href="/collections/attachment/">Attachment &lt;b&gt;</a><br>'
        '<a class="govuk-link" href="/collections/parenting/">Parenting</a>'
    )


@pytest.mark.parametrize(
    ("low", "high", "length"),
    [
        (Decimal("1.5"), Decimal("2"), "1.50 to 2 hours"),
        (Decimal("1"), Decimal("1"), "1 hour"),
        (Decimal("2"), None, "2 hours"),
    ],
)
def test_delivery_rows_give_the_session_length_range(low, high, length):
    programme = ProgrammeFactory(sessions=12, session_hours_min=low, session_hours_max=high, duration="")

    assert presenters.delivery_rows(programme) == [
        ("Sessions", "12"),
        ("Session length", length),
        ("Not given by our sources", "Duration"),
    ]


def test_delivery_rows_with_nothing_recorded_are_one_line():
    programme = ProgrammeFactory(sessions=None, duration="")

    assert presenters.delivery_rows(programme) == [("Not given by our sources", "Sessions, session length, duration")]


@pytest.mark.parametrize(
    ("licensing", "required", "says"),
    [
        ("Licence from the developer.", True, "Licence from the developer."),
        ("", True, "A licence is required."),
        ("", False, "No licence is required."),
    ],
)
def test_requirement_rows_fall_back_from_licensing_details_to_whether_a_licence_is_needed(licensing, required, says):
    programme = ProgrammeFactory(licensing=licensing, licence_required=required, fidelity="Video review")

    rows = presenters.requirement_rows(programme)

    assert rows == [
        ("Systems for maintaining fidelity", "Video review"),
        ("Licensing", says),
        ("Not given by our sources", "Who can deliver it, training, supervision"),
    ]


def test_requirement_rows_with_nothing_recorded_are_one_line():
    rows = presenters.requirement_rows(ProgrammeFactory(licence_required=None))

    assert rows == [
        (
            "Not given by our sources",
            "Who can deliver it, training, supervision, systems for maintaining fidelity, licensing",
        )
    ]


@pytest.mark.parametrize(
    ("description", "size", "sample"),
    [
        ("100 mothers", 100, "100 mothers (100 participants)"),
        ("100 mothers", None, "100 mothers"),
        ("", 64, "64 participants"),
    ],
)
def test_study_rows_describe_the_sample(description, size, sample):
    StudyFactory(sample_description=description, sample_size=size)

    study = detail(Programme.objects.get()).studies.get()

    assert dict(presenters.study_rows(study))["Sample"] == sample


def test_study_rows_name_what_the_source_leaves_out_once():
    StudyFactory(sample_description="", sample_size=None, timing="")

    rows = dict(presenters.study_rows(detail(Programme.objects.get()).studies.get()))

    assert "Sample" not in rows
    assert rows["Not given by our sources"] == "Country, sample, timing, outcomes"


def test_study_rows_list_each_outcome_once_with_its_timings():
    study = StudyFactory(citation_label="Cicchetti et al (2006)", rating=None, timing="")
    study.countries.set([CountryFactory(name="United States", slug="united-states")])
    attachment = OutcomeFactory(name="Attachment security")
    FindingFactory(study=study, outcome=attachment)
    FindingFactory(study=study, outcome=attachment, timing=FindingTiming.FOLLOW_UP, months_after_end=12)
    FindingFactory(study=study, outcome=OutcomeFactory(name="Parental empathy", domain=OutcomeDomain.FAMILY))

    rows = presenters.study_rows(detail(study.programme).studies.get())

    assert rows == [
        ("Citation", "Cicchetti et al (2006)"),
        ("Design", "Randomised controlled trial (RCT)"),
        ("Country", "United States"),
        ("Study rating", "Not rated"),
        (
            "Outcomes",
            "Attachment security: immediately after the intervention; a year later<br>"
            "Parental empathy (parent or family outcome): immediately after the intervention",
        ),
        ("Not given by our sources", "Sample, timing"),
    ]


def test_finding_rows_explain_the_improvement_index_and_link_the_study():
    study = StudyFactory(number=2, citation_label="Cicchetti et al (2006)")
    finding = FindingFactory(study=study, improvement_index=33, measure="Strange Situation", reporter="parent_report")

    rows = presenters.finding_rows(finding)

    assert labels(rows) == ["Improvement index", "When measured", "Measure", "Based on"]
    assert rows[0][1].startswith('<strong>+33</strong> <p class="govuk-body-s app-finding__meaning">If the average')
    assert rows[0][1].endswith(
        '<a class="govuk-link" href="/guidance/improvement-index/">About the improvement index</a></p>'
    )
    assert rows[1][1] == "Immediately after the intervention"
    assert rows[2][1] == "Strange Situation (parent report)"
    assert rows[3][1] == '<a class="govuk-link" href="#study-2">Study 2: Cicchetti et al (2006)</a>'


def test_finding_rows_without_an_index_or_measure():
    rows = presenters.finding_rows(FindingFactory(improvement_index=None, measure=""))

    assert labels(rows) == ["Improvement index", "When measured", "Based on"]
    assert rows[0][1] == "Not available for this result"


def test_programme_summary_has_every_row_of_the_page_in_one_place():
    programme = ProgrammeFactory(assessed_in="Foundations for Life")
    programme.other_settings.set([SettingFactory(slug="school")])
    StudyFactory(programme=programme)

    summary = presenters.programme_summary(detail(programme))

    lists = [summary.key_facts, summary.characteristics, summary.delivery, summary.requirements]
    lists += [rows for _study, _line, rows in summary.studies]
    # The page's 29 rows, once written out by hand; the 17 empty ones now share one "Not given by our
    # sources" row per list (characteristics, delivery, requirements, the study). The key facts repeat
    # four of them (ages, need, delivery model, UK evidence) at the top.
    assert sum(len(rows) for rows in lists) == 20
