"""Collections: curated lists of programmes (e.g. a commissioning guide's)."""

from django.contrib import admin
from django.db.models import Count

from ..models import Collection
from .base import RECORD_FIELDSET, RecordedAdmin


@admin.register(Collection)
class CollectionAdmin(RecordedAdmin):
    list_display = ["name", "programme_count", "order"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["programmes"]
    fieldsets = [(None, {"fields": ["name", "slug", "summary", "source", "programmes", "order"]}), RECORD_FIELDSET]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(programme_count=Count("programmes"))

    @admin.display(description="programmes", ordering="programme_count")
    def programme_count(self, obj):
        return obj.programme_count
