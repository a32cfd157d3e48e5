"""Free-text search over programmes, ranked and typo-tolerant on PostgreSQL and SQLite alike.

Each programme keeps a denormalised `search_document` (name, acronym, summary, description and the
names of the outcomes its studies report on), indexed in three weighted parts: name and acronym
above summary above the rest. On PostgreSQL that is the stored `search_vector` (weights A, B, C)
behind a GIN index; on SQLite an FTS5 table, `catalogue_programme_fts`, with the porter stemmer and
bm25 weights in the same order. Both read the same query language: words that must all appear,
"exact phrases", `-exclusions` and `or`.

Typo tolerance goes through `SearchWord`, the distinct words of the published programmes' text. A
query word that no programme contains, even stemmed, is replaced by the most similar known word
(pg_trgm on PostgreSQL; the same trigram similarity computed here over words sharing the first
letter on SQLite), and the corrected query runs as ordinary full text. Programme text is never
scanned word by word: that took 1.7 s per search at 10,000 programmes.

This module reads; it imports no models (it reaches SearchWord through the queryset's app
registry). The index is written by `catalogue.services.refresh_search_documents`, which every write
path (admin, import, workflow, commands, generate_synthetic) calls. Nothing runs from a signal.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import F, FloatField, Func, Value
from django.db.models.expressions import RawSQL

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
SEARCH_CONFIG = "english"
FTS_TABLE = "catalogue_programme_fts"
# bm25 column weights for name and acronym, summary, the rest: PostgreSQL's default ts_rank weights
# for A, B and C are 1.0, 0.4 and 0.2, the same proportions.
FTS_WEIGHTS = (5.0, 2.0, 1.0)
# Only words this long are corrected: a short word is more often an acronym than a typo.
MIN_CORRECTED_LENGTH = 4
# pg_trgm's default `similarity_threshold`, so both databases accept the same corrections.
MIN_SIMILARITY = 0.3
INDEXED_WORD = re.compile(r"[^\W\d_]{3,40}")


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
    """The words of a query: letters and digits only, at most MAX_WORDS."""
    return re.findall(r"\w+", clean_query(text).lower())[:MAX_WORDS]


def build_search_document(*, name, acronym, summary, description, outcome_names) -> str:
    """The text a programme is found by, in one string (pure; tested on its own)."""
    parts = [name, acronym, summary, description, *sorted(set(outcome_names))]
    return "\n".join(part.strip() for part in parts if part and part.strip())


def indexed_words(document) -> set[str]:
    """The words of a search document the word table keeps for spelling correction (pure)."""
    return set(INDEXED_WORD.findall(document.lower()))


# --------------------------------------------------------------------------- the query language
@dataclass(frozen=True)
class ParsedQuery:
    """A query as both databases read it: every clause must match, any alternative of a clause will do.

    An alternative is a tuple of words: one word, or a phrase ("exact phrase", or a hyphenated word
    such as VIPP-SD, which PostgreSQL also reads as a phrase). `excluded` holds the `-word` terms.
    """

    clauses: tuple[tuple[tuple[str, ...], ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()

    def __bool__(self):
        return bool(self.clauses or self.excluded)

    def websearch(self) -> str:
        """The query in PostgreSQL's websearch syntax (which `parse_query` reads back unchanged)."""

        def term(words):
            return words[0] if len(words) == 1 else '"' + " ".join(words) + '"'

        parts = [" or ".join(term(alt) for alt in clause) for clause in self.clauses]
        parts += ["-" + term(words) for words in self.excluded]
        return " ".join(parts)

    def fts5(self) -> str:
        """The query as an FTS5 expression; every word is a quoted string, so no input is syntax."""

        def term(words):
            return '"' + " ".join(words).replace('"', '""') + '"'

        expression = " AND ".join("(" + " OR ".join(term(alt) for alt in clause) + ")" for clause in self.clauses)
        for words in self.excluded:
            expression += " NOT " + term(words)
        return expression

    def corrected(self, corrections: dict[str, str]) -> "ParsedQuery":
        clauses = tuple(
            tuple((corrections.get(alt[0], alt[0]),) if len(alt) == 1 else alt for alt in clause)
            for clause in self.clauses
        )
        return replace(self, clauses=clauses)


def parse_query(text) -> ParsedQuery:
    """Read free text as words, "phrases", -exclusions and `or` (pure; never fails)."""
    clauses, excluded, join_next, count = [], [], False, 0
    for token in re.findall(r'-?"[^"]*"?|\S+', clean_query(text)):
        negated = token.startswith("-") and len(token) > 1
        words = tuple(re.findall(r"\w+", token.lower()))[: MAX_WORDS - count]
        if not words:
            continue
        if words == ("or",) and not token.startswith('"') and not negated:
            join_next = bool(clauses)
            continue
        count += len(words)
        if negated:
            excluded.append(words)
        elif join_next:
            clauses[-1] = (*clauses[-1], words)
        else:
            clauses.append((words,))
        join_next = False
        if count >= MAX_WORDS:
            break
    return ParsedQuery(tuple(clauses), tuple(excluded))


@dataclass
class SearchPlan:
    """What a search text will run as: the query after spelling correction, and the suggestion to show.

    `suggestion` is the user's text with each corrected word replaced ("Did you mean …?"), or ""
    when every word was found as typed.
    """

    text: str
    query: ParsedQuery
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def suggestion(self) -> str:
        text = self.text
        for wrong, right in self.corrections.items():
            text = re.sub(rf"(?i)\b{re.escape(wrong)}\b", right, text)
        return text if self.corrections else ""


def plan_search(queryset, text) -> SearchPlan:
    """Parse `text` and correct the words no programme contains (reads: one query, three with a typo)."""
    text = clean_query(text)
    query = parse_query(text)
    singles = {alt[0] for clause in query.clauses for alt in clause if len(alt) == 1}
    candidates = {word for word in singles if len(word) >= MIN_CORRECTED_LENGTH and word.isalpha()}
    if not candidates:
        return SearchPlan(text, query)
    words = _word_model(queryset).objects
    unknown = candidates - set(words.filter(word__in=candidates).values_list("word", flat=True))
    # A word missing from the table may still match once stemmed ("maltreatment" finds "maltreating").
    everything = queryset.model.objects.all()
    unknown = {word for word in unknown if not _matching(everything, ParsedQuery((((word,),),))).exists()}
    corrections = {}
    for word in sorted(unknown):
        best = _most_similar_word(words, word)
        if best:
            corrections[word] = best
    return SearchPlan(text, query.corrected(corrections), corrections)


def search_programmes(queryset, text_or_plan):
    """Filter `queryset` to programmes matching the text, annotated with `search_rank` (higher is better).

    Takes the text, or the `SearchPlan` a caller already made for it (so a page that filters several
    querysets corrects the spelling once). Empty or unusable text returns the queryset unchanged,
    with a zero rank.
    """
    plan = text_or_plan if isinstance(text_or_plan, SearchPlan) else plan_search(queryset, text_or_plan)
    if not plan.query:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    return _matching(queryset, plan.query).annotate(search_rank=_rank(plan.query))


def _matching(queryset, query: ParsedQuery):
    if connection.vendor == "postgresql":
        if not query.clauses:  # only exclusions: everything but what they name
            return queryset.exclude(search_vector=_tsquery(ParsedQuery(tuple((words,) for words in query.excluded))))
        return queryset.filter(search_vector=_tsquery(query))
    if not query.clauses:
        positive = ParsedQuery(tuple((words,) for words in query.excluded))
        return queryset.exclude(pk__in=_fts_rowids(positive))
    return queryset.filter(pk__in=_fts_rowids(query))


def _rank(query: ParsedQuery):
    if not query.clauses:
        return Value(0.0, output_field=FloatField())
    if connection.vendor == "postgresql":
        # F(), not the field's name: SearchRank("search_vector") re-parses the stored vector as text
        # (to_tsvector(search_vector::text)), which is slow and loses the A/B/C weights.
        return SearchRank(F("search_vector"), _tsquery(query))
    return Bm25Rank(F("pk"), Value(query.fts5()))


def _tsquery(query: ParsedQuery):
    return SearchQuery(query.websearch(), search_type="websearch", config=SEARCH_CONFIG)


def _fts_rowids(query: ParsedQuery):
    # The query is a parameter; only the constant table name is formatted in.
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query.fts5()])  # noqa: S608, S611


class Bm25Rank(Func):
    """SQLite: minus the FTS5 bm25 score of one programme for a query (bm25 is lower-is-better).

    A correlated subquery on the FTS table's rowid, compiled through Django so it stays correct
    inside the facet counts' subqueries, where the programme table is aliased.
    """

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        match_sql, match_params = compiler.compile(self.source_expressions[1])
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        # Constants and compiled expressions only; the query text is a parameter.
        sql = f"(SELECT -bm25({FTS_TABLE}, {weights}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {match_sql} "  # noqa: S608
        sql += f"AND {FTS_TABLE}.rowid = {pk_sql})"
        return sql, (*match_params, *pk_params)


# --------------------------------------------------------------------------- spelling
def trigrams(word) -> set[str]:
    """pg_trgm's trigrams of one lower-case word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a, b) -> float:
    """pg_trgm's `similarity()`: shared trigrams over all trigrams of the two words (pure)."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta | tb else 0.0


def _most_similar_word(words, word) -> str:
    """The known word most similar to `word`, or "" when none is similar enough."""
    if connection.vendor == "postgresql":
        # `%` is served by the word table's GIN trigram index: ~1 ms over tens of thousands of words.
        best = (
            words.filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        return best or ""
    # SQLite has no trigram index: compare with the words that start with the same letter and are
    # about as long, a range of the unique index (a few hundred words at 10,000 programmes).
    nearby = words.filter(
        word__gte=word[0], word__lt=chr(ord(word[0]) + 1), length__range=(len(word) - 2, len(word) + 2)
    ).values_list("word", flat=True)
    scored = sorted(((similarity(word, other), other) for other in nearby), key=lambda pair: (-pair[0], pair[1]))
    return scored[0][1] if scored and scored[0][0] >= MIN_SIMILARITY else ""


def _word_model(queryset):
    return queryset.model._meta.apps.get_model("catalogue", "SearchWord")
