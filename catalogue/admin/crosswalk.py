"""Other clearinghouses, their scales, and their grades of our programmes (catalogue.models.crosswalk).

A clearinghouse is entered once with its scale (its grades, in its order and words); each rating of a
programme then picks one of those grades, so a grade from another clearinghouse's scale cannot be
chosen. On a published programme, only a publisher may change its ratings (catalogue.permissions).
"""

from django.contrib import admin
from import_export.admin import ImportMixin

from ..models import Clearinghouse, ClearinghouseGrade, ClearinghouseRating, Programme, PublicationStatus
from ..resources import ClearinghouseRatingResource
from ..workflow import can_publish
from .base import RECORD_FIELDSET, RecordedAdmin, WideTextInputs


class ClearinghouseGradeInline(admin.TabularInline):
    model = ClearinghouseGrade
    extra = 1
    fields = ["rank", "label", "meaning"]


@admin.register(Clearinghouse)
class ClearinghouseAdmin(RecordedAdmin):
    list_display = ["name", "short_name", "website", "order"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [ClearinghouseGradeInline]
    fieldsets = [
        (None, {"fields": ["name", ("short_name", "slug"), "website", "scale_note", "scale_source_url", "order"]}),
        RECORD_FIELDSET,
    ]


class RatingGradeChoices:
    """The grade menu names each grade with its clearinghouse ("CEBC: 1 – Well-Supported…"), in scale order,
    and an analyst is offered only unpublished programmes (a publisher changes a published page's evidence)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "grade":
            field.queryset = ClearinghouseGrade.objects.select_related("clearinghouse").order_by(
                "clearinghouse__order", "clearinghouse__name", "rank"
            )
        if db_field.name == "programme" and not can_publish(request.user, Programme):
            field.queryset = field.queryset.exclude(status=PublicationStatus.PUBLISHED)
        return field


class ClearinghouseRatingInline(RatingGradeChoices, WideTextInputs, admin.StackedInline):
    """On the programme form: what other clearinghouses say, each read from a page we can cite."""

    model = ClearinghouseRating
    extra = 0
    fields = [("grade", "applies_to"), "rated_on", "source_title", ("source_url", "source_read_on"), "order"]


@admin.register(ClearinghouseRating)
class ClearinghouseRatingAdmin(RatingGradeChoices, ImportMixin, RecordedAdmin):
    resource_classes = [ClearinghouseRatingResource]
    import_template_name = "admin/catalogue/import.html"
    list_display = ["programme", "clearinghouse_display", "grade_display", "applies_to", "rated_on", "source_read_on"]
    list_filter = ["grade__clearinghouse", "programme__status"]
    list_select_related = ["programme", "grade__clearinghouse"]
    search_fields = ["programme__name", "grade__label", "applies_to", "source_title"]
    autocomplete_fields = ["programme"]
    fieldsets = [
        (None, {"fields": ["programme", "grade", "applies_to", "rated_on", "order"]}),
        ("Source", {"fields": ["source_title", "source_url", "source_read_on"]}),
        RECORD_FIELDSET,
    ]

    @admin.display(description="clearinghouse", ordering="grade__clearinghouse__name")
    def clearinghouse_display(self, obj):
        return obj.grade.clearinghouse.short_name

    @admin.display(description="grade", ordering="grade__rank")
    def grade_display(self, obj):
        return obj.grade.label
