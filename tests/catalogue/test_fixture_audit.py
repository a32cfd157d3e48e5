"""An audit of the real data against the seed documents: the facts a commissioner relies on.

Every expected value below is typed from the source it cites, not read back from the fixtures, so an
edit to fixtures/ that drifts from the sources fails here. Sources are named by their own titles:

* Guidebook: the EIF Guidebook page for Infant-Parent Psychotherapy (published January 2023).
* Workshop: EIF workshop A, "What does the evidence tell us? Parent-child interactions and the Healthy
  Child Programme" (its "Supporting the attachment relationship" slides and the Axford review of reviews).
* Targeted review: "Targeted and high risk approaches to supporting parent-infant relationships and
  attachment security" (completed February 2011).
* NIHR abstract: the research abstract of NIHR HTA project NIHR127810.
* Barlow et al.: "Parent-infant psychotherapy: a systematic review of the evidence for improving parental
  and infant mental health" (summary of Cochrane review CD010534).
"""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from catalogue import workflow
from catalogue.models import Finding, FindingTiming, Programme, Publication, SourceClassification, Study
from reviews.models import Analysis, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_data():
    call_command("loaddata", "fixtures/catalogue.json", "fixtures/reviews.json", verbosity=0)


# ------------------------------------------------------------------------------------- programmes
# slug: (published evidence rating, cost rating, studies recorded for it).
PROGRAMMES = {
    "infant-parent-psychotherapy": ("3+", "NA", 2),  # Guidebook: "Evidence rating: 3+", "Cost rating: NA"
    "family-foundations": ("", "1", 2),  # Workshop: "two RCTs conducted in the US", "Cost – 1"
    # Workshop: five RCTs, only "the initial UK trial" described; Barlow et al.: Olds et al. (1998), "two randomized
    # trials" of home visitation (that they are FNP's is our assumption).
    "family-nurse-partnership": ("", "5", 2),
    # Workshop: "several RCTs", one described; "Lieberman et al. 2006" cited (a CPP study: our assumption);
    # "Cost -- No available".
    "child-parent-psychotherapy": ("", "NA", 2),
    "child-first": ("", "5", 1),  # Workshop: "a single RCT"; "Cost -- 5"
    "social-baby": ("", "NA", 0),  # Workshop: filed under "No Effect", no study named; "Cost -- Not available"
    "video-interaction-guidance": ("", "NA", 0),
    # Targeted review: two VIPP-SD RCTs from Doughty (2007); Barlow et al.: Bakermans-Kranenburg et al. (1998),
    # "Interventions with video feedback…" (an early VIPP study: our assumption).
    "video-feedback-intervention-to-promote-positive-parenting-and-sensitive-discipline": ("", "NA", 3),
    "watch-wait-and-wonder": ("", "NA", 1),  # Targeted review: Cohen et al 1999
    "attachment-and-biobehavioral-catch-up": ("", "NA", 0),
    "dyadic-developmental-psychotherapy": ("", "NA", 0),
    "individual-child-psychotherapy": ("", "NA", 0),
}


def test_audit_covers_every_programme(real_data):
    assert sorted(Programme.objects.values_list("slug", flat=True)) == sorted(PROGRAMMES)


def test_audit_programme_ratings_and_studies(real_data):
    recorded = {p.slug: (p.evidence_rating, p.cost_rating_code, p.studies.count()) for p in Programme.objects.all()}

    assert recorded == PROGRAMMES


def test_audit_every_published_rating_is_reproduced_by_the_study_records(real_data):
    disagreeing = {
        p.slug: (p.evidence_rating, p.assessment.rating)
        for p in Programme.objects.exclude(evidence_level=None)
        if p.evidence_rating != p.assessment.rating
    }

    assert disagreeing == {}


def test_audit_every_published_rating_passes_the_publish_guard_after_load_real_data():
    # What `make run` does: load, then recompute_evidence. Each published rating is then reproduced by the
    # stored computed rating, or carries a publisher's note, exactly as catalogue.workflow requires to publish.
    call_command("load_real_data", verbosity=0)
    published = list(Programme.objects.published())

    for programme in published:
        workflow.check_programme_publishable(programme)  # raises ValidationError on a rating it would refuse
    unexplained = {
        p.slug: (p.evidence_rating, p.computed_evidence_rating)
        for p in published
        if p.evidence_rating not in {"", p.computed_evidence_rating} and not p.rating_difference_note.strip()
    }
    assert published
    assert unexplained == {}
    assert all(p.computed_evidence_rating for p in published)  # recomputed, not left empty by loaddata
    # Every real rating is reproduced today, so none needs a note.
    assert [p.slug for p in published if p.rating_difference_note] == []


# slug: what the source says, as "<source>: <its words>". Workshop: "Interventions supporting the attachment
# relationship by strength of evidence"; NIHR abstract: "strongest evidence base", "very little or weak evidence base".
CLASSIFICATIONS = {
    "infant-parent-psychotherapy": ["EIF Guidebook: 3+"],
    "family-foundations": ["EIF workshop on parent-child interactions: established evidence"],
    "family-nurse-partnership": ["EIF workshop on parent-child interactions: established evidence"],
    "child-parent-psychotherapy": ["EIF workshop on parent-child interactions: initial evidence"],
    "child-first": ["EIF workshop on parent-child interactions: initial evidence"],
    "social-baby": ["EIF workshop on parent-child interactions: no effect"],
    "attachment-and-biobehavioral-catch-up": ["NIHR attachment interventions study: strongest evidence base"],
    "video-feedback-intervention-to-promote-positive-parenting-and-sensitive-discipline": [
        "NIHR attachment interventions study: strongest evidence base"
    ],
    "dyadic-developmental-psychotherapy": ["NIHR attachment interventions study: very little or weak evidence base"],
    "individual-child-psychotherapy": ["NIHR attachment interventions study: very little or weak evidence base"],
}


def test_audit_source_classifications_are_recorded_as_the_sources_words(real_data):
    recorded = {}
    for classification in SourceClassification.objects.select_related("programme"):
        recorded.setdefault(classification.programme.slug, []).append(classification.label)

    assert recorded == CLASSIFICATIONS


def test_audit_every_programme_has_our_rating_or_a_source_classification(real_data):
    # Nothing published looks rated by us without studies that reproduce it, and nothing rated by a source is
    # shown as unrated: a commissioner sees either our rating or the source's words (or neither, said plainly).
    bare = Programme.objects.filter(evidence_level=None, source_classifications=None).values_list("slug", flat=True)

    assert sorted(bare) == ["video-interaction-guidance", "watch-wait-and-wonder"]


def test_audit_ipp_rigorous_conduct_follows_the_guidebook(real_data):
    studies = Study.objects.filter(programme__slug="infant-parent-psychotherapy").order_by("number")

    # "The first study is an RCT." / "The second study is a rigorously conducted RCT." / "has not yet replicated
    # its results in another rigorously conducted study": study 1 is not counted as rigorously conducted.
    assert [s.rigorously_conducted for s in studies] == [False, True]
    assessment = Programme.objects.get(slug="infant-parent-psychotherapy").assessment
    assert assessment.rating == "3+"
    assert "only Study 2 qualifies" in assessment.next_level_needs[0]


# ------------------------------------------------------------------------------------- studies
# citation: (design, sample size, timing, study rating), from the source named in the comment.
STUDIES = {
    "Lieberman et al (1991)": ("rct", 100, "Post-test", 3),  # Guidebook, study 1
    "Cicchetti et al (2006); Cicchetti et al (2011); Stronach et al (2013)": (
        "rct", 189, "Post-test; one-year follow-up", 3,
    ),  # Guidebook, study 2
    "Cohen et al (1999)": ("rct", 67, "Post-test; six-month follow-up", None),  # Targeted review
    "Toth et al (2006)": ("rct", 75, "Results at 6 months", None),  # Targeted review
    "Robert-Tissot et al (1996)": ("rct", 75, "", None),  # Barlow et al. ("Report on 75 cases")
    "Sleed et al (2013)": ("cluster_rct", None, "", None),  # Barlow et al. ("cluster randomized")
    "Osofsky et al (2007)": ("pre_post", None, "Three-year follow-up", None),  # Targeted review: no control group
}  # fmt: skip


def test_audit_study_facts(real_data):
    studies = Study.objects.filter(citation_label__in=STUDIES)

    assert {s.citation_label: (s.design, s.sample_size, s.timing, s.rating) for s in studies} == STUDIES


def test_audit_toth_2006_records_both_descriptions_of_its_sample(real_data):
    toth = Study.objects.get(citation_label="Toth et al (2006)")

    # Targeted review: "children aged 3 – 5 years who were exposed to marital violence"; the paper's title:
    # "young offspring of mothers with major depressive disorder". Both are kept, with a note.
    assert "3 to 5" in toth.sample_description and "marital violence" in toth.sample_description
    assert "major depressive disorder" in toth.design_narrative
    assert "sources disagree" in toth.design_narrative


def test_audit_ipp_study_1_records_both_ages_the_guidebook_gives(real_data):
    lieberman = Study.objects.get(citation_label="Lieberman et al (1991)")

    # Guidebook: "with a 12-month infant" (summary) and "a toddler (aged 12 months to two years)" (sample).
    assert "12-month" in lieberman.sample_description and "two years" in lieberman.sample_description


@pytest.mark.parametrize(
    ("programme", "citations"),
    [
        # Targeted review: three RCTs from Doughty (2007), two of them of VIPP-SD.
        ("video-feedback-intervention-to-promote-positive-parenting-and-sensitive-discipline", 2),
        # Workshop: Family Foundations "has evidence from two RCTs conducted in the US".
        ("family-foundations", 2),
    ],
)
def test_audit_trials_the_sources_describe_are_recorded(real_data, programme, citations):
    # The unnamed trials the review and the workshop describe (no year: no paper is named); the papers Barlow et al.
    # cite in passing are checked below.
    studies = Study.objects.filter(programme__slug=programme, year=None)

    assert studies.count() == citations
    assert all(study.design == "rct" and study.findings_text for study in studies)


# Papers the sources cite without describing them as a programme's trials, linked to the programme as our assumption.
# citation: (programme, number, design, year, journal, volume, issue, pages), from the reference the comment names.
CITED_STUDIES = {
    # Barlow et al., references: "Olds, D., Henderson, C., Jr., … (1998). The promise of home visitation: Results of
    # two randomized trials. Journal of Community Psychology, 26(1), 5-21."
    "Olds et al (1998)": (
        "family-nurse-partnership", 2, "rct", 1998, "Journal of Community Psychology", "26", "1", "5-21",
    ),
    # Barlow et al., references: "Bakermans-Kranenburg, M. J., Juffer, F., & Van Ijzendoorn, M. H. (1998). Interventions
    # with video feedback and attachment discussions … Infant Mental Health Journal, 19(2), 202-219." No design given.
    "Bakermans-Kranenburg et al (1998)": (
        "video-feedback-intervention-to-promote-positive-parenting-and-sensitive-discipline", 3, "not_stated", 1998,
        "Infant Mental Health Journal", "19", "2", "202-219",
    ),
    # Workshop: "(Cicchetti et al. 2006; Lieberman et al. 2006)", nothing more. The paper is our identification
    # (PubMed 16865033: J Am Acad Child Adolesc Psychiatry 2006, 45(8), 913-918); the design stays not stated.
    "Lieberman et al (2006)": (
        "child-parent-psychotherapy", 2, "not_stated", 2006,
        "Journal of the American Academy of Child and Adolescent Psychiatry", "45", "8", "913-918",
    ),
}  # fmt: skip


def test_audit_papers_the_sources_cite_are_recorded_with_what_they_give(real_data):
    recorded = {}
    for study in Study.objects.filter(citation_label__in=CITED_STUDIES).select_related("programme"):
        paper = study.publications.get()
        recorded[study.citation_label] = (
            study.programme.slug, study.number, study.design, study.year,
            paper.journal, paper.volume, paper.issue, paper.pages,
        )  # fmt: skip
        # Nothing the sources do not give: no sample, timing, rating or rigour, and the link is marked as ours.
        assert (study.sample_size, study.sample_description, study.timing, study.rating) == (None, "", "", None)
        assert (study.rigorously_conducted, study.measures_independent, study.findings.count()) == (None, None, 0)
        assert "our assumption" in study.design_narrative

    assert recorded == CITED_STUDIES


def test_audit_cited_papers_change_no_computed_rating(real_data):
    # They are unrated and have no findings, so assess() gives what it gave before they were added.
    computed = {p.slug: p.assessment.rating for p in Programme.objects.all()}

    assert computed == {slug: "3+" if slug == "infant-parent-psychotherapy" else "NL2" for slug in PROGRAMMES}


@pytest.mark.parametrize(
    ("title_start", "follows", "other"),
    [
        # Guidebook: "Developmental Psychopathology. 25, 919-930"; Barlow et al.: "Development and Psychopathology, 25".
        ("Preventive interventions and sustained", "Development and Psychopathology", "Developmental Psychopathology"),
        # Barlow et al. results: "Lieberman et al 1999"; its references and the Guidebook: 1991.
        ("Preventive intervention and outcome", "1991", "1999"),
        # Barlow et al. introduction: "(Olds 1996)"; its references: Olds … (1998).
        ("The promise of home visitation", "1998", "Olds 1996"),
    ],
)
def test_audit_publications_record_where_the_sources_disagree(real_data, title_start, follows, other):
    paper = Publication.objects.get(title__startswith=title_start)

    assert follows in f"{paper.journal} {paper.year}"
    assert other in paper.note and follows in paper.note


def test_audit_programme_page_and_api_give_a_publication_note_with_its_reference(real_data, client):
    ipp = Programme.objects.get(slug="infant-parent-psychotherapy")

    html = client.get(ipp.get_absolute_url()).content.decode()
    api = client.get(reverse("api:programme-detail", kwargs={"slug": ipp.slug})).json()

    assert "Note: The EIF Guidebook page for Infant-Parent Psychotherapy names the journal" in html
    notes = [paper["note"] for study in api["studies"] for paper in study["publications"]]
    assert sum("'Developmental Psychopathology'" in note for note in notes) == 1


def test_audit_toth_2006_notes_that_its_description_matches_another_trial(real_data):
    toth = Study.objects.get(citation_label="Toth et al (2006)")

    # Targeted review: "Seventy-five multiethnic preschool-age child-mother dyads…" for Toth et al 2006; the same
    # words open the abstract of Lieberman, Ghosh Ippen & Van Horn (2006), PubMed 16865033. Both kept, a reading noted.
    assert "PubMed 16865033" in toth.design_narrative and "our reading" in toth.design_narrative
    assert toth.sample_size == 75


# ------------------------------------------------------------------------------------- findings
def test_audit_ipp_child_findings(real_data):
    ipp = "infant-parent-psychotherapy"
    findings = Finding.objects.filter(study__programme__slug=ipp, outcome__domain="mental_health")

    # Guidebook, study 2: 40.9 pp (+50, immediately), 28.7 pp (+33, a year later), 38.6 pp insecure to secure
    # (+50, immediately), 34.5 pp fewer stable disorganised (+32, immediately); study 1: no index, no size.
    facts = sorted(
        (f.study.number, f.improvement_index or 0, f.timing, f.months_after_end, f.direction, f.significant)
        for f in findings
    )
    assert facts == [
        (1, 0, FindingTiming.POST_TEST, 0, "favourable", True),
        (2, 32, FindingTiming.POST_TEST, 0, "favourable", True),
        (2, 33, FindingTiming.FOLLOW_UP, 12, "favourable", True),
        (2, 50, FindingTiming.POST_TEST, 0, "favourable", True),
        (2, 50, FindingTiming.POST_TEST, 0, "favourable", True),
    ]
    assert Finding.objects.get(study__number=2, improvement_index=32).lower_is_better is True


def test_audit_no_finding_states_a_timing_the_source_does_not_give(real_data):
    # The Guidebook lists "Increased empathic behaviour" for study 2 with no result, so no finding carries it.
    assert not Finding.objects.filter(study__number=2, outcome__domain="family").exists()


# ------------------------------------------------------------------------------------- reviews
# slug: (studies included, participants, records screened), from the source in the comment.
REVIEWS = {
    "barlow-2015-parent-infant-psychotherapy": (8, 846, 2620),  # Barlow et al.: 2604 + 16 records
    "mortensen-mastergeorge-2014": (18, None, None),  # Workshop
    "kersten-alvarez-2011": (10, None, None),  # Workshop
    "bennett-2013-infant-massage": (34, None, None),  # Workshop
    "fukkink-2008-video-feedback": (29, None, None),  # Workshop
    "nievar-2010-home-visiting": (29, None, None),  # Workshop
    "bakermans-kranenburg-2003-less-is-more": (81, 7636, None),  # Targeted review
    "nihr127810-attachment-interventions": (7, None, 2516),  # NIHR abstract (first review)
    "madigan-2006": (12, None, None),  # Barlow et al., introduction
}


def test_audit_review_counts(real_data):
    reviews = Review.objects.filter(slug__in=REVIEWS)

    assert {r.slug: (r.studies_included, r.participants, r.records_screened) for r in reviews} == REVIEWS


# Barlow et al., "Effects of interventions": the 19 pooled results of PIP versus control, in order.
BARLOW_POOLED = [
    ("RR", "8.93", "1.25", "63.70", "higher"),
    ("RR", "0.48", "0.24", "0.95", "lower"),
    ("RR", "0.32", "0.17", "0.58", "lower"),
    ("RR", "0.69", "0.16", "2.97", "lower"),
    ("RR", "11.45", "3.11", "42.08", "higher"),
    ("RR", "2.28", "0.41", "12.56", "higher"),
    ("RR", "0.09", "0.01", "1.56", "lower"),
    ("RR", "0.56", "0.26", "1.22", "lower"),
    ("RR", "3.3", "1.82", "6.0", "higher"),
    ("RR", "0.33", "0.15", "0.76", "lower"),
    ("RR", "0.57", "0.11", "3.07", "lower"),
    ("RR", "0.80", "0.29", "2.19", "lower"),
    ("SMD", "-0.13", "-0.64", "0.38", "higher"),
    ("SMD", "-0.01", "-0.32", "0.30", "higher"),
    ("SMD", "-0.16", "-0.46", "0.15", "higher"),
    ("SMD", "0.22", "-0.34", "0.77", "unstated"),
    ("SMD", "-0.15", "-0.82", "0.51", "higher"),
    ("SMD", "-0.22", "-0.46", "0.02", "lower"),
    ("RR", "0.74", "0.52", "1.04", "lower"),
]


def test_audit_barlow_pooled_results(real_data):
    analyses = Analysis.objects.filter(review__slug="barlow-2015-parent-infant-psychotherapy").order_by("order")

    recorded = [
        (a.effect_measure, a.reported_estimate, a.reported_ci_low, a.reported_ci_high, a.favourable) for a in analyses
    ]
    expected = [(m, Decimal(e), Decimal(lo), Decimal(hi), fav) for m, e, lo, hi, fav in BARLOW_POOLED]
    assert recorded == expected


def test_audit_reviews_barlow_et_al_cite_in_their_introduction_are_recorded(real_data):
    # Barlow et al., introduction: earlier reviews of PIP, and the meta-analyses behind its account of risk.
    cited = [
        "Sleed and Bland (2007)", "Singleton (2004)", "Poobalan et al. (2007)", "Bakermans-Kranenburg et al. (2003)",
        "Madigan et al. (2006)", "Barlow et al. (2010)", "van IJzendoorn et al. (1999)", "Fearon et al. (2010)",
        "Hemmi et al. (2011)", "De Wolff and van IJzendoorn (1997)", "Green and Goldwyn (2002)",
    ]  # fmt: skip

    assert sorted(Review.objects.filter(short_citation__in=cited).values_list("short_citation", flat=True)) == sorted(
        cited
    )


def test_audit_the_study_the_workshop_singles_out_in_kersten_alvarez_is_recorded(real_data):
    # Workshop: "effect sizes in individual studies varied considerably and one study (focused on teenage mothers)
    # was particularly influential". No paper, design or size is given.
    included = Review.objects.get(slug="kersten-alvarez-2011").included_studies.select_related("study").get()

    assert (included.study.sample_description, included.study.design) == ("Teenage mothers", "not_stated")
    assert (included.study.programme, included.study.sample_size, included.study.rating) == (None, None, None)
    assert "influential" in included.notes


def test_audit_review_titles_do_not_repeat_their_citation(real_data):
    repeating = [r.slug for r in Review.objects.all() if r.title.startswith(r.short_citation.split(" (")[0])]

    assert repeating == []


def test_audit_no_invented_review_authors(real_data):
    # The NIHR abstract names no authors; the targeted review gives "Barnes 2003" without initials.
    assert Review.objects.get(slug="nihr127810-attachment-interventions").year is None
    assert "Wright" not in Review.objects.get(slug="nihr127810-attachment-interventions").authors
    assert Review.objects.get(slug="barnes-2003-narrative-review").authors == "Barnes"


def test_audit_nihr_abstract_names_vipp_not_vipp_sd(real_data):
    nihr = Review.objects.get(slug="nihr127810-attachment-interventions")

    assert "VIPP-SD" not in nihr.key_messages and "VIPP" in nihr.key_messages


def test_audit_bcg_demonstration_cites_colditz_1994(real_data):
    bcg = Review.objects.get(is_demonstration=True)

    assert (bcg.short_citation, bcg.year) == ("Colditz et al. (1994)", 1994)
    assert bcg.doi == "10.1001/jama.1994.03510330076038"
    assert not bcg.title.startswith("Demonstration")


# ------------------------------------------------------------------------------------- public text
FILE_NAME = re.compile(r"\bseeds?\s*0\d\d\b", re.IGNORECASE)


def test_audit_no_public_text_mentions_our_file_names(real_data):
    mentions = []
    for app in ("catalogue", "reviews"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            text_fields = [f.name for f in model._meta.fields if isinstance(f, models.CharField | models.TextField)]
            for row in model.objects.all():
                found = [name for name in text_fields if FILE_NAME.search(getattr(row, name) or "")]
                mentions += [f"{model.__name__} {row.pk} {name}" for name in found]

    assert mentions == []
