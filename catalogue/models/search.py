"""The words programmes can be found by, kept for spelling correction."""

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
