"""The evidence rating (catalogue.evidence): the rules, the assessment and the page sections."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from catalogue import evidence
from catalogue.evidence import FindingRecord, StudyRecord, assess_studies, explain
from catalogue.models import DesignType, FindingTiming, OutcomeDomain, Programme
from tests.factories import FindingFactory, OutcomeFactory, ProgrammeFactory, StudyFactory

# =============================================================================================
# Rating rules, one at a time
# =============================================================================================
CHILD_BENEFIT = FindingRecord(child_outcome=True, significant=True, favourable=True, months_after_end=0)
LONG_TERM_BENEFIT = FindingRecord(child_outcome=True, significant=True, favourable=True, months_after_end=12)
CHILD_NULL = FindingRecord(child_outcome=True, significant=False, favourable=True, months_after_end=0)
CHILD_UNKNOWN = FindingRecord(child_outcome=True, significant=None, favourable=True, months_after_end=0)
FAMILY_BENEFIT = FindingRecord(child_outcome=False, significant=True, favourable=True, months_after_end=0)
CHILD_HARM = FindingRecord(child_outcome=True, significant=True, favourable=False, months_after_end=0)


def study(label="Study 1", design=DesignType.RCT, rating=3, findings=(CHILD_BENEFIT,), **facts):
    facts = {"rigorously_conducted": True, **facts}
    return StudyRecord(label=label, design=design, rating=rating, findings=tuple(findings), **facts)


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ((CHILD_BENEFIT,), True),
        ((CHILD_NULL,), False),
        ((CHILD_UNKNOWN,), False),  # significance not recorded counts as not shown
        ((FAMILY_BENEFIT,), False),  # parent outcomes are not child outcomes
        ((CHILD_HARM,), False),
        ((), False),
    ],
)
def test_shows_child_benefit_needs_significant_favourable_child_finding(findings, expected):
    assert evidence.shows_child_benefit(study(findings=findings)) is expected


def test_shows_long_term_benefit_needs_12_months():
    eleven = FindingRecord(child_outcome=True, significant=True, favourable=True, months_after_end=11)

    assert evidence.shows_long_term_benefit(study(findings=[LONG_TERM_BENEFIT]))
    assert not evidence.shows_long_term_benefit(study(findings=[eleven]))
    assert not evidence.shows_long_term_benefit(study(findings=[CHILD_BENEFIT]))


@pytest.mark.parametrize(
    ("design", "rating", "level_2", "level_3", "level_4"),
    [
        (DesignType.RCT, 4, True, True, True),
        (DesignType.QED, 3, True, True, False),
        (DesignType.CLUSTER_RCT, 3, True, True, False),
        (DesignType.RCT, 2, True, False, False),
        (DesignType.PRE_POST, 3, True, False, False),  # not rigorous, whatever its rating
        (DesignType.RCT, 1, False, False, False),  # rated NL2
        (DesignType.RCT, None, False, False, False),  # not rated
    ],
)
def test_study_qualifies_by_design_and_rating(design, rating, level_2, level_3, level_4):
    record = study(design=design, rating=rating)

    assert evidence.qualifies_at_level_2(record) is level_2
    assert evidence.qualifies_at_level_3(record) is level_3
    assert evidence.qualifies_at_level_4(record) is level_4


def test_study_not_counted_as_rigorously_conducted_supports_a_plus_but_is_not_level_3():
    # The Guidebook's IPP Study 1: "an RCT", rated 3, not counted as rigorously conducted as Study 2 is.
    record = study(rating=3, rigorously_conducted=False)

    assert evidence.qualifies_at_level_2(record)
    assert not evidence.qualifies_at_level_3(record)
    assert not evidence.found_no_child_benefit(study(findings=[CHILD_NULL], rigorously_conducted=False))
    assert evidence.qualifies_at_level_3(study(rating=3, rigorously_conducted=None))  # the rating is the judgement


def test_found_no_child_benefit_needs_level_3_quality_and_child_findings():
    assert evidence.found_no_child_benefit(study(findings=[CHILD_NULL]))
    assert not evidence.found_no_child_benefit(study(findings=[CHILD_NULL], rating=2))
    assert not evidence.found_no_child_benefit(study(findings=[CHILD_NULL], design=DesignType.PRE_POST))
    assert not evidence.found_no_child_benefit(study(findings=[]))  # nothing measured is not "no benefit"
    assert not evidence.found_no_child_benefit(study(findings=[CHILD_BENEFIT]))


# =============================================================================================
# The assessment: every level and both "+" rules
# =============================================================================================
def level_4_study(label, **facts):
    facts = {"measures_independent": True, **facts}
    return study(label, rating=4, findings=[CHILD_BENEFIT, LONG_TERM_BENEFIT], **facts)


@pytest.mark.parametrize(
    ("studies", "rating"),
    [
        ([level_4_study("S1", independent_of_developer=True), level_4_study("S2")], "4+"),
        ([level_4_study("S1"), level_4_study("S2")], "4"),  # no independent evaluation recorded
        ([level_4_study("S1", independent_of_developer=True), study("S2")], "4"),  # one level 4 study only
        ([study("S1", measures_independent=True, findings=[LONG_TERM_BENEFIT]), study("S2")], "4"),  # none rated 4
        (
            [
                study("S1", measures_independent=True, findings=[LONG_TERM_BENEFIT]),
                study("S2", rigorously_conducted=False),
            ],
            "3+",
        ),
        ([study("S1"), study("S2", design=DesignType.PRE_POST, rating=2)], "3+"),
        ([study("S1"), study("S2", rating=2, findings=[CHILD_NULL])], "3"),  # the other study shows nothing
        ([study("S1")], "3"),
        ([study("S1", rating=2), study("S2", design=DesignType.PRE_POST, rating=2)], "2+"),
        ([study("S1", design=DesignType.PRE_POST, rating=2)], "2"),
        ([study("S1", findings=[CHILD_NULL])], "NE"),
        ([study("S1", findings=[CHILD_NULL]), study("S2", design=DesignType.PRE_POST, rating=2)], "NE"),
        ([study("S1", findings=[CHILD_NULL]), study("S2")], "3"),  # a benefit elsewhere outranks NE
        ([study("S1", rating=1)], "NL2"),
        ([study("S1", findings=[FAMILY_BENEFIT])], "NL2"),
        ([], "NL2"),
    ],
)
def test_assess_studies_rating(studies, rating):
    assessment = assess_studies(studies)

    assert assessment.rating == rating
    assert assessment.level == rating.removesuffix("+")
    assert assessment.plus is rating.endswith("+")


def test_assess_studies_level_4_does_not_need_a_study_rated_4():
    # No source asks for a study rated 4 at level 4: two rigorously conducted studies rated 3 replicate the result.
    studies = [study("S1", measures_independent=True, findings=[LONG_TERM_BENEFIT]), study("S2")]

    assert assess_studies(studies).rating == "4"


def test_assess_studies_level_4_needs_a_second_rigorously_conducted_study():
    # The Guidebook's IPP: both RCTs rated 3, only Study 2 "a rigorously conducted RCT" -> 3+, not replicated.
    studies = [
        study("S1", rigorously_conducted=False),
        study("S2", measures_independent=True, findings=[CHILD_BENEFIT, LONG_TERM_BENEFIT]),
    ]

    assessment = assess_studies(studies)

    assert assessment.rating == "3+"
    assert assessment.next_level_needs == [
        "The results replicated: at least two rigorously conducted studies (RCT or QED), each rated 3 or better "
        "with a significant positive child outcome: only S2 qualifies; S1 is an RCT rated 3 that its assessment "
        "does not count as rigorously conducted."
    ]


@pytest.mark.parametrize(
    ("studies", "missing"),
    [
        ([level_4_study("S1")], "The results replicated"),
        ([level_4_study("S1"), study("S2", rating=4)], None),  # level 4 already: none missing
        ([study("S1", rating=4, measures_independent=True), study("S2")], "months or more after"),
        ([study("S1", rating=4, findings=[LONG_TERM_BENEFIT]), study("S2")], "independent of study participants"),
    ],
)
def test_assess_studies_says_which_level_4_condition_is_missing(studies, missing):
    assessment = assess_studies(studies)

    if missing is None:
        assert assessment.level == "4"
    else:
        assert assessment.level == "3"
        assert len(assessment.next_level_needs) == 1
        assert missing in assessment.next_level_needs[0]


def test_assess_studies_unknown_facts_say_not_recorded():
    studies = [level_4_study("S1", measures_independent=None), level_4_study("S2", measures_independent=None)]

    assessment = assess_studies(studies)

    assert assessment.rating == "3+"
    assert "not recorded for S1 and S2" in assessment.next_level_needs[-1]
    assert "independence of measures not recorded" in assessment.reasons[0]


def test_assess_studies_level_4_lists_what_4_plus_needs():
    assessment = assess_studies([level_4_study("S1"), level_4_study("S2", independent_of_developer=False)])

    assert assessment.rating == "4"
    assert assessment.next_level == "4+"
    assert assessment.next_level_needs == [
        "At least one level 4 study conducted independently of the programme's developer: not recorded for S1."
    ]


def test_assess_studies_top_rating_has_no_next_level():
    assessment = assess_studies([level_4_study("S1", independent_of_developer=True), level_4_study("S2")])

    assert assessment.next_level == ""
    assert assessment.next_level_needs == []
    assert "second level 4 study" in assessment.plus_meaning


finding_records = st.builds(
    FindingRecord,
    child_outcome=st.booleans(),
    significant=st.sampled_from([True, False, None]),
    favourable=st.booleans(),
    months_after_end=st.sampled_from([None, 0, 6, 12, 24]),
)
study_records = st.builds(
    StudyRecord,
    label=st.just("S"),
    design=st.sampled_from(DesignType.values),
    rating=st.sampled_from([None, 1, 2, 3, 4]),
    rigorously_conducted=st.sampled_from([True, False, None]),
    measures_independent=st.sampled_from([True, False, None]),
    independent_of_developer=st.sampled_from([True, False, None]),
    findings=st.lists(finding_records, max_size=3).map(tuple),
)
RATING_ORDER = ["NE", "NL2", "2", "2+", "3", "3+", "4", "4+"]


@given(st.lists(study_records, max_size=4), st.randoms())
def test_assess_studies_property_order_of_studies_does_not_matter(studies, random):
    shuffled = list(studies)
    random.shuffle(shuffled)

    assert assess_studies(shuffled).rating == assess_studies(studies).rating


@given(st.lists(study_records, max_size=4))
def test_assess_studies_property_a_further_level_4_study_never_lowers_the_rating(studies):
    before = assess_studies(studies).rating
    after = assess_studies([*studies, level_4_study("Extra")]).rating

    assert RATING_ORDER.index(after) >= max(RATING_ORDER.index(before), RATING_ORDER.index("3"))


def test_explain_unrated_programme_is_none():
    assert explain("", assess_studies([])) is None


def test_explain_disagreeing_rating_gives_general_text_only():
    explanation = explain("4", assess_studies([study("S1")]))

    assert not explanation.agrees
    assert explanation.next_level == "4+"
    assert explanation.next_level_needs == []
    assert explanation.reasons == []
    assert "second study rated 4" in explanation.next_level_requirement


# =============================================================================================
# Infant-Parent Psychotherapy, as on its EIF Guidebook page
# =============================================================================================
@pytest.fixture
def ipp():
    """Two RCTs rated 3, only study 2 "rigorously conducted"; it has a child finding a year later."""
    programme = ProgrammeFactory(name="Infant-Parent Psychotherapy", evidence_level=3, evidence_plus=True)
    attachment = OutcomeFactory(name="Improved attachment security", domain=OutcomeDomain.MENTAL_HEALTH)
    empathy = OutcomeFactory(name="Increased empathic behaviour", domain=OutcomeDomain.FAMILY)
    study_1 = StudyFactory(
        programme=programme,
        number=1,
        citation_label="Lieberman et al (1991)",
        rating=3,
        rigorously_conducted=False,
        measures_independent=True,
    )
    study_2 = StudyFactory(
        programme=programme, number=2, citation_label="Cicchetti et al (2006)", rating=3, measures_independent=True
    )
    FindingFactory(study=study_1, outcome=attachment)
    FindingFactory(study=study_1, outcome=empathy)
    FindingFactory(study=study_2, outcome=attachment, improvement_index=50)
    FindingFactory(
        study=study_2, outcome=attachment, timing=FindingTiming.FOLLOW_UP, months_after_end=12, improvement_index=33
    )
    return programme


def render_explanation(programme):
    request = RequestFactory().get(programme.get_absolute_url())
    return render_to_string("catalogue/_evidence_explanation.html", {"programme": programme, "request": request})


@pytest.mark.django_db
def test_ipp_assesses_as_3_plus_not_4_because_not_replicated_in_a_rigorously_conducted_study(ipp):
    assessment = ipp.assessment

    assert assessment.rating == "3+"
    assert len(assessment.next_level_needs) == 1
    assert assessment.next_level_needs[0].startswith("The results replicated: at least two rigorously conducted")
    assert "only Study 2 qualifies" in assessment.next_level_needs[0]
    needs = assessment.next_level_needs[0]
    assert "Study 1 is an RCT rated 3 that its assessment does not count as rigorously conducted" in needs
    assert not any("Study 1 and Study 2 qualify" in met for met in assessment.next_level_has)
    assert any("shown by Study 2" in met for met in assessment.next_level_has)
    assert any("used by Study 2" in met for met in assessment.next_level_has)


@pytest.mark.django_db
def test_ipp_page_sections_explain_3_plus_and_why_not_4(ipp):
    html = render_explanation(ipp)

    assert "Evidence rating: 3+" in html
    assert "What does the evidence rating mean?" in html
    assert "Level 3 indicates evidence of efficacy" in html
    assert "What does the plus mean?" in html
    assert "at least one level 3 study, along with evidence from other studies rated 2 or better" in html
    assert "Why not the next level?" in html
    assert "does not receive a rating of 4 because its studies do not yet show" in html
    assert "Level 4 needs the programme&#x27;s results replicated" in html
    assert "Study 1 is an RCT rated 3 that its assessment does not count as rigorously conducted" in html
    # A plain section rather than a <details>, so it is visible when the page is printed.
    assert '<h3 class="govuk-heading-m">How the rating follows from the studies</h3>' in html
    assert "<details" not in html
    assert "independence from the developer not recorded" in html


@pytest.mark.django_db
def test_page_section_for_unrated_programme_says_so():
    html = render_explanation(ProgrammeFactory(evidence_level=None))

    assert "not been given an evidence rating yet" in html
    assert "Why not the next level?" not in html


@pytest.mark.django_db
def test_page_section_reads_prefetched_studies_without_queries(ipp, django_assert_num_queries):
    StudyFactory(programme=ipp, number=3, rating=2, design=DesignType.PRE_POST)
    programme = Programme.objects.prefetch_related("studies__findings__outcome").get(pk=ipp.pk)

    with django_assert_num_queries(0):
        html = render_explanation(programme)

    assert "Study 3 " in html


def test_a_study_whose_design_no_source_states_counts_for_nothing_and_says_so():
    # A paper a source only cites (no design, no rating, no findings) leaves the rating where it was.
    cited = study("Lieberman et al (2006)", design=DesignType.NOT_STATED, rating=None, findings=())

    assessment = assess_studies([cited])

    assert assessment.rating == "NL2"
    assert assessment.reasons[0].startswith("Lieberman et al (2006) does not qualify at level 2: Design not stated, ")
    assert not evidence.is_rigorous(cited)
