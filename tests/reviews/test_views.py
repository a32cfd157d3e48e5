"""Public review pages: what a commissioner sees, and a fixed number of queries however big the review."""

from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Programme, PublicationStatus
from reviews.models import BIAS_DOMAIN_ORDER, BiasJudgement
from tests.factories import (
    AnalysisFactory,
    AnalysisRowFactory,
    CollectionFactory,
    DraftProgrammeFactory,
    IncludedStudyFactory,
    ProgrammeFactory,
    ReviewFactory,
    RiskOfBiasFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

TABLES = [(4, 123, 11, 139), (6, 306, 29, 303), (3, 231, 11, 220), (62, 13598, 248, 12867)]


def build_review(*, studies=1, analyses=1, rows=2, **fields):
    review = ReviewFactory(**fields)
    for _ in range(studies):
        inclusion = IncludedStudyFactory(review=review)
        for domain in BIAS_DOMAIN_ORDER:
            RiskOfBiasFactory(included_study=inclusion, domain=domain, judgement=BiasJudgement.UNCLEAR)
    for number in range(analyses):
        analysis = AnalysisFactory(review=review, number=str(number + 1), reported_estimate=Decimal("0.30"),
                                   reported_ci_low=Decimal("0.15"), reported_ci_high=Decimal("0.60"))  # fmt: skip
        for a, n1, c, n2 in TABLES[:rows]:
            AnalysisRowFactory(analysis=analysis, events_t=a, n_t=n1, events_c=c, n_c=n2)
    return review


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_review_detail_query_count_does_not_grow_with_the_review(client):
    small = build_review(studies=1, analyses=1, rows=2)
    large = build_review(studies=8, analyses=4, rows=4)

    small_count = count_queries(client, small.get_absolute_url())
    large_count = count_queries(client, large.get_absolute_url())

    # The review, then one query each for included studies, their judgements, analyses, study rows,
    # programmes, collections, reviews summarised and reviews summarising it.
    assert small_count == large_count == 9


def test_review_list_query_count_is_the_same_for_one_and_25_reviews(client):
    programme = ProgrammeFactory()
    collection = CollectionFactory()
    IncludedStudyFactory(review=ReviewFactory(programmes=[programme], collections=[collection]))
    one = count_queries(client, reverse("reviews:review-list"))
    for _ in range(24):
        IncludedStudyFactory(review=ReviewFactory(programmes=[programme], collections=[collection]))

    many = count_queries(client, reverse("reviews:review-list"))

    # The count and page of reviews, their programmes, included studies (with programme) and collections,
    # the topic menu, and one more (the session's user) whatever the number of reviews.
    assert one == many == 7


def test_review_list_query_count_is_the_same_for_one_and_20_programmes_offered(client):
    IncludedStudyFactory(review=ReviewFactory(programmes=[ProgrammeFactory()]))
    one = count_queries(client, reverse("reviews:review-list"))
    review = ReviewFactory()
    for _ in range(10):
        review.programmes.add(ProgrammeFactory())
        IncludedStudyFactory(review=review)
        ProgrammeFactory()  # reached by no review

    many = count_queries(client, reverse("reviews:review-list"))

    assert one == many == 7


def test_review_list_query_count_with_a_programme_filter_is_fixed(client):
    programme = ProgrammeFactory(name="Chosen programme")
    IncludedStudyFactory(review=ReviewFactory(programmes=[programme]))
    one = count_queries(client, reverse("reviews:review-list") + "?programme=chosen")
    for _ in range(30):
        IncludedStudyFactory(review=ReviewFactory(programmes=[programme]), study=StudyFactory(programme=programme))

    many = count_queries(client, reverse("reviews:review-list") + "?programme=chosen")

    assert one == many


def test_review_list_programme_filter_is_a_text_box_not_a_menu_of_programmes(client):
    ReviewFactory(programmes=[ProgrammeFactory(name="Named by a review", slug="named")])

    content = client.get(reverse("reviews:review-list")).content.decode()

    assert '<input class="govuk-input" type="text" name="programme"' in content
    assert '<option value="named"' not in content


def test_review_list_finds_reviews_by_part_of_a_programme_name_or_its_slug(client):
    direct = ProgrammeFactory(name="Family Nurse Partnership", slug="fnp")
    through_study = StudyFactory(programme=ProgrammeFactory(name="Nurse-Family visits", slug="visits"))
    ReviewFactory(title="About the partnership", programmes=[direct])
    IncludedStudyFactory(review=ReviewFactory(title="Includes a trial"), study=through_study)
    ReviewFactory(title="Unrelated review", programmes=[ProgrammeFactory(name="Incredible Years")])

    def titles(value):
        response = client.get(reverse("reviews:review-list"), {"programme": value})
        return sorted(card.review.title for card in response.context["cards"])

    assert titles("nurse") == ["About the partnership", "Includes a trial"]
    assert titles("fnp") == ["About the partnership"]
    assert titles("  Family   NURSE ") == ["About the partnership"]


def test_review_list_says_when_no_published_programme_has_that_name(client):
    ReviewFactory(title="Still listed")
    ReviewFactory(programmes=[DraftProgrammeFactory(name="Secret Draft", slug="secret-draft")])

    response = client.get(reverse("reviews:review-list"), {"programme": "secret-draft"})

    content = response.content.decode()
    assert "No published programme is called “secret-draft”" in content
    assert "Still listed" in content  # the other filters still apply
    assert "govuk-input--error" in content


def test_review_list_keeps_the_programme_typed(client):
    IncludedStudyFactory(study=StudyFactory(programme=ProgrammeFactory(name="Chosen one", slug="chosen")))

    response = client.get(reverse("reviews:review-list"), {"programme": "chosen"})

    assert b'name="programme" id="id_programme" value="chosen"' in response.content


def test_review_list_pages_twenty_at_a_time_keeping_the_filters(client):
    for n in range(45):
        ReviewFactory(title=f"Review {n:02}", short_citation=f"Author {n:02} (2020)", year=2020, kind="systematic")

    first = client.get(reverse("reviews:review-list"), {"kind": "systematic"})
    third = client.get(reverse("reviews:review-list"), {"kind": "systematic", "page": 3})

    assert len(first.context["cards"]) == 20
    assert "45 reviews, showing 1 to 20" in first.content.decode()
    assert 'class="govuk-pagination' in first.content.decode()
    assert "?kind=systematic&amp;page=2" in first.content.decode()
    assert [card.review.title for card in third.context["cards"]] == [f"Review {n:02}" for n in range(40, 45)]


def test_review_list_names_a_page_that_does_not_exist(client):
    ReviewFactory()

    response = client.get(reverse("reviews:review-list"), {"page": "99"})

    assert "There is no page “99” of these results" in response.content.decode()


def test_review_list_offers_only_topics_a_published_review_has(client):
    ReviewFactory(collections=[CollectionFactory(name="Reviewed topic", slug="reviewed")])
    CollectionFactory(name="Topic of no review", slug="unreviewed")

    content = client.get(reverse("reviews:review-list")).content.decode()

    assert '<option value="reviewed"' in content
    assert '<option value="unreviewed"' not in content


def test_review_list_shows_programmes_reached_through_included_studies(client):
    study = StudyFactory(programme=ProgrammeFactory(name="Infant-Parent Psychotherapy"))
    IncludedStudyFactory(study=study)

    response = client.get(reverse("reviews:review-list"))

    assert b"Programmes: <a" in response.content
    assert b"Infant-Parent Psychotherapy</a>" in response.content


def test_review_detail_shows_risk_of_bias_grid_with_symbols_and_words(client):
    review = build_review()

    response = client.get(review.get_absolute_url())

    content = response.content.decode()
    assert "Included studies and their risk of bias" in content
    assert content.count('Unclear<span class="govuk-visually-hidden"> risk</span>') == 7
    assert ">?</text>" in content  # the symbol in the circle, not colour alone
    assert '<th scope="col" class="govuk-table__header govuk-!-font-size-16">Sequence generation</th>' in content
    assert "<strong>?</strong> unclear risk (yellow)" in content


def test_review_detail_draws_forest_plot_with_role_title_and_description(client):
    review = build_review()
    analysis = review.analyses.get()

    response = client.get(review.get_absolute_url())

    content = response.content.decode()
    assert 'role="img"' in content
    assert f'aria-labelledby="forest-{analysis.pk}-title forest-{analysis.pk}-desc"' in content
    assert f'<title id="forest-{analysis.pk}-title">Forest plot: Secure attachment' in content
    assert f'<desc id="forest-{analysis.pk}-desc">' in content
    assert "The forest plot&#x27;s numbers" in content or "The forest plot's numbers" in content


def test_review_detail_has_no_inline_style_for_the_csp(client):
    review = build_review()

    response = client.get(review.get_absolute_url())

    assert b"style=" not in response.content
    assert b"<script>" not in response.content


def test_review_detail_flags_a_reported_result_that_recomputation_does_not_match(client):
    review = build_review(rows=2)  # two BCG trials pool to RR 0.2658 [0.1341, 0.5268]; 0.30 is reported

    response = client.get(review.get_absolute_url())

    assert "Our recomputation does not match what the review reports" in response.content.decode()
    assert "estimate: the review reports 0.30, we get 0.2658 (allowed difference 0.005)" in response.content.decode()


def test_review_detail_reads_pooled_result_in_plain_words(client):
    review = build_review(analyses=1, rows=0)

    response = client.get(review.get_absolute_url())

    content = response.content.decode()
    assert "Secure attachment: 70% less likely in the Programme group than in the control group" in content
    assert "95% confidence interval 0.15 to 0.60" in content


def test_review_detail_names_mantel_haenszel_and_leaves_out_tau2_for_a_fixed_effect_model(client):
    review = ReviewFactory()
    analysis = AnalysisFactory(review=review, model="fixed", method="MH")
    for a, n1, c, n2 in TABLES[:3]:
        AnalysisRowFactory(analysis=analysis, events_t=a, n_t=n1, events_c=c, n_c=n2)

    content = client.get(review.get_absolute_url()).content.decode()

    assert "Risk ratio (RR), fixed effect, Mantel–Haenszel" in content
    assert "mantel" not in content
    assert "Heterogeneity: Chi²" in content
    assert "τ²" not in content


def test_review_detail_random_effects_shows_tau2_and_lower_case_inverse_variance(client):
    review = build_review(rows=3)

    content = client.get(review.get_absolute_url()).content.decode()

    assert "random effects, inverse variance" in content
    assert "τ²" in content


@pytest.mark.parametrize(("p", "shown"), [(0.0, "p < 0.0001"), (0.00004, "p < 0.0001"), (0.0312, "p = 0.0312")])
def test_p_value_never_prints_zero(p, shown):
    from reviews.templatetags.review_tags import p_value

    assert p_value(p) == shown


def test_review_detail_links_included_study_to_its_programme(client):
    programme = ProgrammeFactory(name="Infant-Parent Psychotherapy", slug="infant-parent-psychotherapy")
    study = StudyFactory(programme=programme, number=1, citation_label="Lieberman et al (1991)")
    inclusion = IncludedStudyFactory(study=study, label="Lieberman 1991")
    RiskOfBiasFactory(included_study=inclusion)

    response = client.get(inclusion.review.get_absolute_url())

    assert f'href="{programme.get_absolute_url()}#study-1"'.encode() in response.content


def test_review_detail_of_a_draft_is_not_found(client):
    review = ReviewFactory(status=PublicationStatus.DRAFT, published_on=None)

    response = client.get(review.get_absolute_url())

    assert response.status_code == 404


def test_review_detail_demonstration_says_it_is_not_evidence(client):
    review = ReviewFactory(is_demonstration=True)

    response = client.get(review.get_absolute_url())

    assert b"It is not evidence about any programme" in response.content


def test_review_list_filters_by_kind_and_search(client):
    ReviewFactory(title="Parent-infant psychotherapy", kind="cochrane")
    ReviewFactory(title="Infant massage", kind="meta_analysis")

    response = client.get(reverse("reviews:review-list"), {"kind": "cochrane", "q": "psychotherapy"})

    assert b"Parent-infant psychotherapy" in response.content
    assert b"Infant massage" not in response.content


def test_review_list_filters_by_programme_through_included_studies(client):
    study = StudyFactory()
    IncludedStudyFactory(study=study, review=ReviewFactory(title="Includes the trial"))
    ReviewFactory(title="Unrelated review")

    response = client.get(reverse("reviews:review-list"), {"programme": study.programme.slug})

    assert b"Includes the trial" in response.content
    assert b"Unrelated review" not in response.content


def test_review_list_bad_year_shows_message_not_error(client):
    response = client.get(reverse("reviews:review-list"), {"year_from": "soon"})

    assert response.status_code == 200
    assert b"Enter a number" in response.content


def test_review_list_bad_value_is_named_in_the_error_summary_and_the_other_filters_still_apply(client):
    ReviewFactory(title="Parent-infant psychotherapy", kind="cochrane")
    ReviewFactory(title="Infant massage", kind="meta_analysis")

    response = client.get(reverse("reviews:review-list"), {"year_from": "soon", "kind": "cochrane"})

    content = response.content.decode()
    assert "<title>Error: Reviews" in content
    assert '<a href="#id_year_from">Published from (year): Enter a number.</a>' in content
    assert "Parent-infant psychotherapy" in content
    assert "Infant massage" not in content


def test_review_list_hides_drafts(client):
    ReviewFactory(title="Draft review", status=PublicationStatus.DRAFT, published_on=None)

    response = client.get(reverse("reviews:review-list"))

    assert b"Draft review" not in response.content


# ---------------------------------------------------------------- the programme page's partial
PROGRAMME_PREFETCH = ("studies__review_inclusions__review", "reviews")


def render_programme_reviews(programme_pk):
    programme = Programme.objects.prefetch_related(*PROGRAMME_PREFETCH).get(pk=programme_pk)
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("catalogue/_programme_reviews.html", {"programme": programme})
    return html, len(queries)


def test_programme_reviews_partial_lists_published_reviews_of_its_studies_without_queries():
    study = StudyFactory(citation_label="Cicchetti et al (2006)", number=2)
    IncludedStudyFactory(study=study, review=ReviewFactory(short_citation="Barlow et al. (2015)"))
    IncludedStudyFactory(
        study=study, review=ReviewFactory(short_citation="Hidden (2020)", status="draft", published_on=None)
    )
    ReviewFactory(short_citation="Direct (2016)", programmes=[study.programme])

    html, queries = render_programme_reviews(study.programme.pk)

    assert queries == 0
    assert "Barlow et al. (2015)" in html
    assert "Direct (2016)" in html
    assert "Hidden (2020)" not in html
    assert 'href="#study-2">Cicchetti et al (2006)</a>' in html


def test_programme_reviews_partial_is_empty_without_reviews():
    programme = ProgrammeFactory()

    html, _ = render_programme_reviews(programme.pk)

    assert "Reviews that include" not in html


def test_study_reviews_partial_links_the_reviews_that_include_a_study():
    study = StudyFactory()
    review = ReviewFactory(short_citation="Barlow et al. (2015)")
    IncludedStudyFactory(study=study, review=review)
    programme = Programme.objects.prefetch_related(*PROGRAMME_PREFETCH).get(pk=study.programme.pk)
    prefetched = programme.studies.all()[0]

    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("reviews/_study_reviews.html", {"study": prefetched})

    assert len(queries) == 0
    assert f'<a class="govuk-link" href="{review.get_absolute_url()}">Barlow et al. (2015)</a>' in html
