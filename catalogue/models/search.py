"""Derived tables for search and the list's filters: known words, and which programmes have which outcomes."""

from django.db import models


class SearchWord(models.Model):
    """One distinct word of the published programmes' search text ("attachment", "psychotherapy").

    Derived data: `catalogue.services.refresh_search_documents` adds the words of the programmes it
    refreshes, and a full refresh (`manage.py rebuild_search_index`) rebuilds the table, dropping
    words no programme uses any more. A search corrects a word it cannot find to the most similar
    one here. On PostgreSQL a GIN trigram index serves that look-up (migration 0015).
    """

    word = models.CharField(max_length=40, unique=True)
    # SQLite compares a misspelt word with the known words of about the same length (catalogue/search.py).
    length = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word


class ProgrammeOutcome(models.Model):
    """A programme "has" an outcome: a headline finding of one of its studies is on it.

    Derived from `Finding` by `catalogue.services.refresh_search_documents` (so every write path keeps
    it current) for the outcome and domain filters and their counts: reading it is one narrow index
    instead of joining every finding to its study (450-495 ms per count at 10,000 programmes).
    The domain is read through `outcome`, so re-classifying an outcome needs no refresh.
    """

    programme = models.ForeignKey("catalogue.Programme", on_delete=models.CASCADE, related_name="+")
    outcome = models.ForeignKey("catalogue.Outcome", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "outcome"],
                name="%(app_label)s_%(class)s_once",
                violation_error_message="A programme has each outcome once.",
            )
        ]
        # The filter starts from the outcome; the counts start from the programmes (the constraint's index).
        indexes = [models.Index(fields=["outcome", "programme"], name="catalogue_progoutcome_outcome")]

    def __str__(self):
        return f"{self.programme_id} – {self.outcome_id}"
