"""`make run` loads the real data once: a second start keeps an analyst's local edits."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalogue.models import Programme, PublicationEvent
from reviews.models import Review, ReviewPublicationEvent

pytestmark = pytest.mark.django_db


def load(*args):
    out = io.StringIO()
    call_command("load_real_data", *args, stdout=out)
    return out.getvalue()


def test_load_real_data_fills_an_empty_catalogue_with_derived_fields_and_history():
    output = load()

    ipp = Programme.objects.get(slug="infant-parent-psychotherapy")
    assert "Loaded the real data: 12 programmes." in output
    assert ipp.computed_evidence_rating == "3+"  # derived, although loaddata skips save()
    assert "IPP" in ipp.search_document
    assert ipp.history.count() == 1  # a baseline, so the first edit has something to compare with


def test_load_real_data_again_keeps_local_edits():
    load()
    Programme.objects.filter(slug="watch-wait-and-wonder").update(evidence_level=3)

    output = load()

    assert "not reloaded" in output
    assert Programme.objects.get(slug="watch-wait-and-wonder").evidence_level == 3


def test_load_real_data_force_reloads_over_edits():
    load()
    Programme.objects.filter(slug="watch-wait-and-wonder").update(evidence_level=3)

    load("--force")

    assert Programme.objects.get(slug="watch-wait-and-wonder").evidence_level is None


def test_load_real_data_dates_each_published_page_so_the_changes_feed_lists_them(client):
    load()
    load("--force")  # reloading records nothing twice

    published = Programme.objects.published()
    assert published.count() > 0
    for programme in published:
        event = programme.publication_events.get()
        assert timezone.localtime(event.published_at).date() == programme.published_on
    feed = ET.fromstring(client.get("/feeds/changes/").content)  # noqa: S314 (our own server's response)
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == published.count()
    assert Review.objects.published().count() == ReviewPublicationEvent.objects.count()


def test_load_real_data_on_a_loaded_catalogue_records_missing_first_publications_only():
    load()
    PublicationEvent.objects.all().delete()  # as loaded before first publications were recorded

    output = load()

    assert "not reloaded" in output
    assert "Recorded the first publication of" in output
    assert PublicationEvent.objects.count() == Programme.objects.published().count()
    assert "Recorded" not in load()  # nothing missing the next time
