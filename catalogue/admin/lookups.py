"""Lookup lists (age groups, levels of need, delivery models, settings, countries) and outcomes."""

from django.contrib import admin
from django.db.models import Count

from ..models import AgeGroup, Country, DeliveryModel, LevelOfNeed, Outcome, Setting
from .base import ExportAdmin


@admin.register(AgeGroup, LevelOfNeed, DeliveryModel, Setting, Country)
class LookupAdmin(ExportAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Outcome)
class OutcomeAdmin(ExportAdmin):
    list_display = ["name", "domain", "finding_count"]
    list_filter = ["domain"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(finding_count=Count("findings"))

    @admin.display(description="findings", ordering="finding_count")
    def finding_count(self, obj):
        return obj.finding_count
