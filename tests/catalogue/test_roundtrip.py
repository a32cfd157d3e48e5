"""export_catalogue / import_catalogue: the whole catalogue, history included, survives a round trip."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from catalogue import workflow
from catalogue.exchange import catalogue_models, dumps, export_catalogue, import_catalogue
from catalogue.models import (
    AgeGroup,
    Country,
    Finding,
    Programme,
    PublicationEvent,
    TheoryOfChangeStep,
)
from tests.factories import (
    CollectionFactory,
    DraftProgrammeFactory,
    FindingFactory,
    PublicationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def make_catalogue(publisher):
    """A small catalogue touching every kind of row: M2Ms, decimals, floats, history, revisions, events."""
    atlantis = Country.objects.create(name="Atlantis", slug="atlantis", order=99)  # an analyst-added lookup
    programme = DraftProgrammeFactory(
        name="Infant-Parent Psychotherapy", evidence_level=3, estimated_unit_cost=Decimal("250.50"), cost_rating=2
    )
    programme.age_groups.add(AgeGroup.objects.get(slug="infants"))
    programme.countries.add(atlantis, Country.objects.get(slug="united-states"))
    TheoryOfChangeStep.objects.create(programme=programme, order=1, text="Parents reflect on their own childhood.")
    study = StudyFactory(programme=programme, number=1, sample_size=189)
    study.countries.add(atlantis)
    PublicationFactory(study=study, doi="10.1017/S0954579406060329")
    FindingFactory(
        study=study,
        effect_size=Decimal("0.2500"),
        ci_low=Decimal("0.0100"),
        ci_high=Decimal("0.4900"),
        mean_t=12.25,
        sd_t=3.5,
        n_t=90,
        mean_c=10.5,
        sd_c=3.25,
        n_c=99,
        improvement_index=10,
    )
    FindingFactory(study=StudyFactory(programme=None, number=None, citation_label="Review-only trial (1999)"))
    CollectionFactory().programmes.add(programme)
    workflow.publish(obj=programme, user=publisher, change_note="First published at level 3.")
    programme.refresh_from_db()
    programme.summary = "An edited summary waiting for a publisher."
    workflow.save_revision(obj=programme, m2m={}, user=publisher)
    return programme


def wipe_catalogue():
    models = list(reversed(catalogue_models()))
    # History last: deleting a row writes a "deleted" history record.
    for model in sorted(models, key=lambda model: model._meta.model_name.startswith("historical")):
        model._base_manager.all().delete()


def test_round_trip_in_same_database_loses_nothing(publisher):
    make_catalogue(publisher)
    before = dumps(export_catalogue())

    wipe_catalogue()
    count = import_catalogue(data=json.loads(before))

    assert count == len(json.loads(before)["objects"])
    assert dumps(export_catalogue()) == before
    assert Programme.history.count() >= 2
    assert PublicationEvent.objects.get().change_note == "First published at level 3."


def test_round_trip_keeps_microseconds_and_decimals(publisher):
    make_catalogue(publisher)
    data = json.loads(dumps(export_catalogue()))

    finding = next(o for o in data["objects"] if o["model"] == "catalogue.finding" and o["fields"]["effect_size"])
    event = next(o for o in data["objects"] if o["model"] == "catalogue.publicationevent")
    # The raw group data gives a computed g (0.5170), which replaces the typed 0.25: the export
    # must carry the stored decimal exactly, four places and all.
    assert finding["fields"]["effect_size"] == str(Finding.objects.get(pk=finding["pk"]).effect_size)
    assert len(finding["fields"]["effect_size"].split(".")[1]) == 4
    assert event["fields"]["published_at"] == PublicationEvent.objects.get().published_at.isoformat()


def test_import_refuses_non_empty_catalogue(publisher, tmp_path):
    make_catalogue(publisher)
    path = tmp_path / "export.json"
    call_command("export_catalogue", str(path), stdout=StringIO())

    with pytest.raises(CommandError, match="not empty"):
        call_command("import_catalogue", str(path), stdout=StringIO())
    assert Finding.objects.count() == 2


def test_import_refuses_other_files(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps([{"model": "catalogue.programme"}]))

    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_catalogue", str(path), stdout=StringIO())
    assert not Programme.objects.exists()


def test_import_creates_missing_users_without_passwords(publisher, django_user_model):
    make_catalogue(publisher)
    data = json.loads(dumps(export_catalogue()))
    wipe_catalogue()
    publisher.delete()

    import_catalogue(data=data)

    account = django_user_model.objects.get(username="role-publisher")
    assert not account.is_active
    assert not account.has_usable_password()
    assert PublicationEvent.objects.get().published_by == account


def manage(*args, database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    # Our own manage.py with fixed arguments: a second process is how to reach a second database vendor.
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )


@pytest.mark.postgres
def test_round_trip_postgresql_to_sqlite_loses_nothing(publisher, tmp_path):
    make_catalogue(publisher)
    exported = tmp_path / "from-postgresql.json"
    call_command("export_catalogue", str(exported), stdout=StringIO())
    sqlite_url = f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"
    back = tmp_path / "from-sqlite.json"

    manage("migrate", "--no-input", database_url=sqlite_url)
    manage("import_catalogue", str(exported), database_url=sqlite_url)
    manage("export_catalogue", str(back), database_url=sqlite_url)

    assert json.loads(back.read_text()) == json.loads(exported.read_text())


def test_a_pending_revision_survives_a_move_to_another_database(publisher, publisher_client):
    programme = make_catalogue(publisher)
    atlantis = Country.objects.get(slug="atlantis")
    programme.summary = "Now delivered in Atlantis too."
    workflow.save_revision(obj=programme, m2m={"countries": [atlantis]}, user=publisher)
    data = json.loads(dumps(export_catalogue()))

    wipe_catalogue()
    import_catalogue(data=data)

    moved = Programme.objects.get(slug=programme.slug)
    assert Country.objects.get(slug="atlantis").pk != atlantis.pk  # the move really changed the ids
    page = publisher_client.get(f"/admin/catalogue/programme/{moved.pk}/change/")
    assert page.status_code == 200
    workflow.publish(obj=moved, user=publisher, change_note="Published after the move.")
    moved.refresh_from_db()
    assert moved.summary == "Now delivered in Atlantis too."
    assert list(moved.countries.values_list("slug", flat=True)) == ["atlantis"]


@pytest.mark.postgres
def test_full_text_search_works_after_import_catalogue_into_postgresql(publisher, client, tmp_path):
    # A file exported from SQLite carries no search vector (nor, from an older version, search text):
    # the import must build them, or every search on PostgreSQL finds nothing.
    make_catalogue(publisher)
    data = export_catalogue()
    for obj in data["objects"]:
        if obj["model"] == "catalogue.programme":
            obj["fields"].update(search_vector=None, search_document="")
    path = tmp_path / "from-sqlite.json"
    path.write_text(dumps(data))
    wipe_catalogue()

    call_command("import_catalogue", str(path), stdout=StringIO())

    programme = Programme.objects.get(name="Infant-Parent Psychotherapy")
    assert programme.search_vector
    assert list(Programme.objects.search("psychotherapy")) == [programme]
    response = client.get("/programmes/", {"q": "psychotherapy"})
    assert "Infant-Parent Psychotherapy" in response.text
