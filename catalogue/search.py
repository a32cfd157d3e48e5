"""Free-text search over programmes.

Each programme keeps a denormalised `search_document` (name, acronym, summary, description and the
names of the outcomes its studies report on). On PostgreSQL it also keeps a weighted `search_vector`
(name and acronym A, summary B, the rest C): a search is a `websearch_to_tsquery` match on that
vector OR a trigram word match on the document, so "atachment" still finds attachment programmes.
On SQLite every word of the query must appear somewhere in the programme's text.

This module reads; it imports no models. The documents are written by
`catalogue.services.refresh_search_documents`, which every write path (admin, import, workflow,
commands) calls through the services. Nothing runs from a signal.
"""

import re
import unicodedata

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, Exists, FloatField, Q, Value, When
from django.db.models.functions import Cast, Coalesce

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
SEARCH_CONFIG = "english"


def clean_query(text) -> str:
    """The search text made safe to send anywhere: no control characters, single spaces, bounded length.

    PostgreSQL refuses NUL bytes outright, so they (and other control characters) become spaces.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUERY_LENGTH].strip()


def query_words(text) -> list[str]:
    """The words of a query for the simple matcher: letters and digits only, at most MAX_WORDS."""
    return re.findall(r"\w+", clean_query(text).lower())[:MAX_WORDS]


def build_search_document(*, name, acronym, summary, description, outcome_names) -> str:
    """The text a programme is found by, in one string (pure; tested on its own)."""
    parts = [name, acronym, summary, description, *sorted(set(outcome_names))]
    return "\n".join(part.strip() for part in parts if part and part.strip())


def search_programmes(queryset, text):
    """Filter `queryset` to programmes matching `text`, annotated with `search_rank` (higher is better).

    Empty or unusable text returns the queryset unchanged, with a zero rank.
    """
    text = clean_query(text)
    if not query_words(text):
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, text)
    return _search_simple(queryset, text)


def _search_postgresql(queryset, text):
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    words = " ".join(_wanted_words(text))
    full_text = Q(search_vector=query)
    # The trigram fallback applies only when full text finds nothing at all, so a misspelling
    # ("atachment") still finds programmes but a good query is not diluted by near-misses. One
    # statement: the EXISTS runs inside the same query, however often the list asks.
    fallback = Q(search_document__trigram_word_similar=words) & ~Exists(queryset.filter(full_text))
    return queryset.filter(full_text | fallback if words else full_text).annotate(
        # A match in the name outranks one in the text: "Child First" is the programme called that.
        search_rank=Coalesce(SearchRank("search_vector", query), 0.0)
        + TrigramWordSimilarity(words, "name")
        + TrigramWordSimilarity(words, "search_document") / 2
    )


def _wanted_words(text) -> list[str]:
    """The words of a websearch query minus its exclusions ("-word") and operators."""
    tokens = re.findall(r'-?"[^"]*"|-?\S+', clean_query(text))
    kept = " ".join(token for token in tokens if not token.startswith("-") and token.lower() != "or")
    return query_words(kept)


def _search_simple(queryset, text):
    words = query_words(text)
    fields = ("name", "acronym", "summary", "description", "search_document")
    for word in words:
        queryset = queryset.filter(_any_field_contains(fields, word))
    # Rank: a word in the name or acronym counts more than one in the body text.
    name_hits = [
        Case(When(_any_field_contains(("name", "acronym"), word), then=Value(1)), default=Value(0)) for word in words
    ]
    return queryset.annotate(search_rank=Cast(sum(name_hits[1:], name_hits[0]), output_field=FloatField()))


def _any_field_contains(fields, word) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": word})
    return condition
