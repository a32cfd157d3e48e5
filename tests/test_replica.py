"""Against a real streaming replica (DATABASE_REPLICA_URL; .ci/run starts one with scripts/start-replica.sh):
anonymous public pages are read from the replica and show what the primary published once it has
replayed; signed-in staff read the primary and see their work at once.

Transactional tests: a replica only sees committed rows. The `replica` alias mirrors the test database
(TEST MIRROR), which physical replication copies to the replica as `test_<name>`.
"""

import time

import psycopg2
import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from catalogue.workflow import publish
from tests.conftest import skip_or_fail
from tests.factories import DraftProgrammeFactory

pytestmark = [pytest.mark.replica, pytest.mark.postgres]
REPLAY_TIMEOUT = 10  # seconds
# Without a replica the `replica` fixture skips (or fails under CI); the alias must exist to be listed.
BOTH = [alias for alias in ("default", "replica") if alias in settings.DATABASES]


@pytest.fixture
def replica(settings):
    if "replica" not in settings.DATABASES:
        skip_or_fail("needs a streaming replica: run scripts/start-replica.sh and set DATABASE_REPLICA_URL")
    settings.DATABASE_REPLICA_READS = True
    # A plain connection to the replica's copy of the test database, outside Django's routing.
    replica_settings = connections["replica"].settings_dict
    raw = psycopg2.connect(
        host=replica_settings["HOST"],
        port=replica_settings["PORT"],
        user=replica_settings["USER"],
        password=replica_settings["PASSWORD"],
        dbname=connections["default"].settings_dict["NAME"],
    )
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,), "DATABASE_REPLICA_URL must point at a standby, not a primary"
    yield raw
    raw.close()


def wait_for_replay(raw) -> float:
    """Wait until the replica has replayed everything the primary has written; returns the seconds it took."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    started = time.monotonic()
    with raw.cursor() as cursor:
        while time.monotonic() - started < REPLAY_TIMEOUT:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return time.monotonic() - started
            time.sleep(0.05)
    pytest.fail(f"the replica had not replayed {target} after {REPLAY_TIMEOUT} s")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root-publisher", password="pw-for-tests")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_public_page_is_read_from_the_replica_and_changes_once_published_there(client, replica, superuser):
    programme = DraftProgrammeFactory(name="Replicated Steps")
    url = programme.get_absolute_url()
    wait_for_replay(replica)
    assert client.get(url).status_code == 404  # a draft is not public, on the replica either

    publish(obj=programme, user=superuser, change_note="First publication.")
    wait_for_replay(replica)
    with replica.cursor() as cursor:
        cursor.execute("SELECT status FROM catalogue_programme WHERE id = %s", [programme.pk])
        assert cursor.fetchone() == ("published",)
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(url)

    assert response.status_code == 200
    assert "Replicated Steps" in response.text
    assert len(on_replica) > 0
    assert len(on_primary) == 0


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_signed_in_staff_read_the_primary_and_see_a_draft_at_once(client, replica, superuser):
    client.force_login(superuser)
    programme = DraftProgrammeFactory(name="Fresh Draft")

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(programme.get_absolute_url())

    assert response.status_code == 200  # the preview, without waiting for any replay
    assert "Fresh Draft" in response.text
    assert len(on_replica) == 0


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_replica_refuses_writes(replica):
    with replica.cursor() as cursor, pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        cursor.execute("CREATE TABLE wrong_place (id int)")


def test_replica_alias_mirrors_the_test_database():
    if "replica" not in settings.DATABASES:
        skip_or_fail("needs a streaming replica: run scripts/start-replica.sh and set DATABASE_REPLICA_URL")
    assert connections["replica"].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
