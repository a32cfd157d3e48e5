"""Standing guard (issue 10): malformed values for every public query parameter and path.

Hypothesis drives the test client with hostile text (NUL and other control characters, huge
numbers, SQL and markup, very long strings, repeated parameters) against every public page and API
endpoint, on whichever database the suite runs on (CI runs it on SQLite and PostgreSQL). Every
answer must be below 500 and come within a second. Each endpoint gets FUZZ_EXAMPLES examples.
"""

import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    CollectionFactory,
    FindingFactory,
    IncludedStudyFactory,
    ProgrammeFactory,
    ReviewFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

FUZZ_EXAMPLES = 60
# A stall guard, not a speed target (the benchmark measures speed): a request that parsed its input badly
# took tens of seconds. Generous enough for a loaded 2-core CI machine, where a normal request can pass 1 s.
SLOWEST = 3.0  # seconds

PROGRAMME_FILTERS = [
    "q", "evidence", "min_evidence", "cost", "age", "domain", "outcome", "need", "delivery", "setting",
    "uk_provision", "uk_evaluation", "country", "collection", "page", "format", "sort",
]  # fmt: skip
COST_FORM = ["cost-families", "cost-families_per_practitioner", "cost-sites", "cost-rate_1", "cost-rate_3"]
REVIEW_FILTERS = ["q", "kind", "year_from", "year_to", "collection", "programme", "page"]
API_PARAMS = [*PROGRAMME_FILTERS, "page_size", "domain", "search", "ordering"]

# (name, path, parameters) for pages that read the query string; `{slug}` paths are fuzzed below.
QUERY_ENDPOINTS = [
    ("programme-list", "/programmes/", PROGRAMME_FILTERS),
    ("programme-export", "/programmes/export.csv", PROGRAMME_FILTERS),
    ("programme-compare", "/programmes/compare/", ["p", "format"]),
    ("programme-detail", "/programmes/fuzz-programme/", COST_FORM),
    ("collection-list", "/collections/", ["page"]),
    ("collection-detail", "/collections/fuzz-collection/", ["page", "q"]),
    ("review-list", "/reviews/", REVIEW_FILTERS),
    ("review-detail", "/reviews/fuzz-review/", ["page"]),
    ("home", "/", ["q"]),
    ("guidance", "/guidance/glossary/", ["q"]),
    ("api-programmes", "/api/v1/programmes/", API_PARAMS),
    ("api-programme", "/api/v1/programmes/fuzz-programme/", ["format"]),
    ("api-outcomes", "/api/v1/outcomes/", ["domain", "page", "page_size", "format"]),
    ("api-collections", "/api/v1/collections/", ["page", "page_size", "format"]),
]
PATH_ENDPOINTS = [
    ("programme-detail", "/programmes/{}/"),
    ("collection-detail", "/collections/{}/"),
    ("review-detail", "/reviews/{}/"),
    ("api-programme", "/api/v1/programmes/{}/"),
    ("api-outcome", "/api/v1/outcomes/{}/"),
    ("api-collection", "/api/v1/collections/{}/"),
]

hostile_text = st.one_of(
    st.text(max_size=60),  # any unicode, control characters and NUL included
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),  # control characters only
    st.sampled_from(
        [
            "",
            "\x00",
            "%00",
            "' OR 1=1 --",
            '"><script>alert(1)</script>',
            "javascript:alert(1)",
            "../../etc/passwd",
            "-1",
            "0",
            "1e309",
            "NaN",
            "9" * 40,
            "-" + "9" * 40,
            "a " * 999,
            "x" * 5000,
            "3+",
            "csv",
            "json",
            "api",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


def query(parameters):
    """A query string: some of `parameters` (each possibly repeated) and a stray one, with hostile values."""
    pair = st.tuples(st.sampled_from([*parameters, "unknown"]), hostile_text)
    return st.lists(pair, max_size=6)


@pytest.fixture
def catalogue(db):
    """A small published catalogue the fuzzed pages have something to show and filter."""
    programme = ProgrammeFactory(name="Fuzz Programme", slug="fuzz-programme", estimated_unit_cost=250, cost_rating=2)
    study = StudyFactory(programme=programme, number=1, sample_size=100)
    FindingFactory(study=study)
    CollectionFactory(name="Fuzz collection", slug="fuzz-collection").programmes.add(programme)
    IncludedStudyFactory(review=ReviewFactory(title="Fuzz review", slug="fuzz-review"), study=study)
    return programme


def timed_get(client, path, data):
    started = time.perf_counter()
    response = client.get(path, data)
    return response, time.perf_counter() - started


fuzz_settings = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,  # the elapsed time is asserted per request instead, with a clearer message
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.mark.parametrize(("name", "path", "parameters"), QUERY_ENDPOINTS, ids=[e[0] for e in QUERY_ENDPOINTS])
def test_fuzzed_query_parameters_never_fail_or_stall(client, catalogue, name, path, parameters):
    client.get(path)  # warm up: templates compiled and cached before anything is timed

    @fuzz_settings
    @given(pairs=query(parameters))
    def check(pairs):
        data = {}
        for key, value in pairs:
            data.setdefault(key, []).append(value)
        response, elapsed = timed_get(client, path, data)
        assert response.status_code < 500, (path, data)
        assert elapsed < SLOWEST, f"{path} took {elapsed:.2f}s for {data!r}"

    check()


@pytest.mark.parametrize(("name", "template"), PATH_ENDPOINTS, ids=[e[0] for e in PATH_ENDPOINTS])
def test_fuzzed_paths_never_fail_or_stall(client, catalogue, name, template):
    client.get(template.format("fuzz-programme"))

    @fuzz_settings
    @given(segment=hostile_text.filter(bool))
    def check(segment):
        path = template.format(quote(segment, safe=""))
        response, elapsed = timed_get(client, path, {})
        assert response.status_code < 500, path
        assert elapsed < SLOWEST, f"{path} took {elapsed:.2f}s"

    check()
