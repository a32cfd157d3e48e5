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
    status = models.PublicationStatus.PUBLISHED
    published_on = datetime.date(2024, 1, 1)
    evidence_level = models.EvidenceLevel.LEVEL_3


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


# ----- public catalogue (issue 3): lookups. get_or_create on slug, because migration 0002 seeds
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
