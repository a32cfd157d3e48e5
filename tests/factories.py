"""factory_boy factories: the smallest valid rows, with overrides for what a test cares about."""

import datetime

import factory
from django.utils.text import slugify

from catalogue import models


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Outcome

    name = factory.Sequence(lambda n: f"Outcome {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    domain = models.OutcomeDomain.MENTAL_HEALTH


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    summary = "A programme for families with young children."
    description = "Sessions with a trained practitioner."  # publishing needs a description or overview
    status = models.PublicationStatus.PUBLISHED
    published_on = datetime.date(2024, 1, 1)
    evidence_level = models.EvidenceLevel.LEVEL_3
    # A factory programme is rated 3 with no studies, which assess() cannot reproduce (it computes NL2),
    # so, like any such published rating, it carries the publisher's note saying why (the workflow
    # refuses to publish it otherwise). Tests of that guard pass rating_difference_note="".
    rating_difference_note = "Rated by the test that made it, not from recorded studies."


class StudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Study

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    citation_label = factory.Sequence(lambda n: f"Author et al ({2000 + n % 20})")
    design = models.DesignType.RCT
    rating = models.StudyRating.LEVEL_3


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Publication

    study = factory.SubFactory(StudyFactory)
    authors = "Author, A."
    year = 2006
    title = "A trial of a programme"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Finding

    study = factory.SubFactory(StudyFactory)
    outcome = factory.SubFactory(OutcomeFactory)
    statement = "An improvement."
    significant = True


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Collection

    name = factory.Sequence(lambda n: f"Collection {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    summary = "Programmes with a shared theme."


class SourceClassificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SourceClassification

    programme = factory.SubFactory(ProgrammeFactory)
    source = "EIF workshop A, 'What does the evidence tell us?'"
    source_label = "EIF workshop"
    source_date = datetime.date(2016, 1, 1)
    classification = factory.Sequence(lambda n: f"Established evidence {n}")
    statement = "Two RCTs conducted in the US."


# --------------------------------------------------------------------------- pages branch (JSON API tests)
class TheoryOfChangeStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TheoryOfChangeStep

    programme = factory.SubFactory(ProgrammeFactory)
    order = factory.Sequence(lambda n: n)
    text = "Parents learn to read their baby's cues, so they respond more sensitively."


# --- workflow ---------------------------------------------------------------------------------
class DraftProgrammeFactory(ProgrammeFactory):
    status = models.PublicationStatus.DRAFT
    published_on = None


class PublicationEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PublicationEvent

    programme = factory.SubFactory(ProgrammeFactory)
    change_note = "First published."
    evidence_rating_before = ""
    evidence_rating_after = "3"
    cost_rating_before = ""
    cost_rating_after = "NA"


# --------------------------------------------------------------------------- reviews
from reviews import models as review_models  # noqa: E402


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = review_models.Review
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"A systematic review {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    short_citation = factory.Sequence(lambda n: f"Reviewer et al. ({2000 + n % 20})")
    authors = "Reviewer, R."
    year = 2015
    kind = review_models.ReviewKind.SYSTEMATIC
    status = models.PublicationStatus.PUBLISHED
    published_on = datetime.date(2024, 1, 1)

    @factory.post_generation
    def programmes(self, create, extracted, **kwargs):
        if create and extracted:
            self.programmes.set(extracted)

    @factory.post_generation
    def collections(self, create, extracted, **kwargs):
        if create and extracted:
            self.collections.set(extracted)


class IncludedStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = review_models.IncludedStudy

    review = factory.SubFactory(ReviewFactory)
    study = factory.SubFactory(StudyFactory)


class RiskOfBiasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = review_models.RiskOfBias

    included_study = factory.SubFactory(IncludedStudyFactory)
    domain = review_models.BiasDomain.SEQUENCE
    judgement = review_models.BiasJudgement.LOW


class AnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = review_models.Analysis

    review = factory.SubFactory(ReviewFactory)
    outcome = "Secure attachment"
    comparison = "Programme vs control"
    effect_measure = review_models.EffectMeasure.RR
    model = review_models.PoolingModel.RANDOM
    method = review_models.PoolingMethod.IV


class AnalysisRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = review_models.AnalysisRow

    analysis = factory.SubFactory(AnalysisFactory)
    label = factory.Sequence(lambda n: f"Trial {n}")
    events_t = 10
    n_t = 50
    events_c = 5
    n_c = 50


# Lookups: get_or_create on slug, because migration 0002 seeds
# the standard rows and browser tests (which flush the database) must be able to recreate them.
class _LookupFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Option {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class AgeGroupFactory(_LookupFactory):
    class Meta:
        model = models.AgeGroup


class LevelOfNeedFactory(_LookupFactory):
    class Meta:
        model = models.LevelOfNeed


class DeliveryModelFactory(_LookupFactory):
    class Meta:
        model = models.DeliveryModel


class SettingFactory(_LookupFactory):
    class Meta:
        model = models.Setting


class CountryFactory(_LookupFactory):
    class Meta:
        model = models.Country


# ----- end public catalogue


# ----- other clearinghouses' ratings (catalogue/models/crosswalk.py)
class ClearinghouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Clearinghouse

    name = factory.Sequence(lambda n: f"Clearinghouse {n}")
    short_name = factory.Sequence(lambda n: f"CH{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.short_name))
    website = "https://clearinghouse.example.org/"
    scale_note = "Rates programmes for one purpose on its own scale."


class ClearinghouseGradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClearinghouseGrade

    clearinghouse = factory.SubFactory(ClearinghouseFactory)
    label = factory.Sequence(lambda n: f"Grade {n}")
    rank = factory.Sequence(lambda n: n + 1)


class ClearinghouseRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClearinghouseRating

    programme = factory.SubFactory(ProgrammeFactory)
    grade = factory.SubFactory(ClearinghouseGradeFactory)
    rated_on = datetime.date(2025, 3, 1)
    source_title = "The programme's page on the clearinghouse"
    source_url = "https://clearinghouse.example.org/programmes/1"
    source_read_on = datetime.date(2026, 11, 30)
