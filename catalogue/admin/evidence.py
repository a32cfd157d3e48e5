"""Studies, their publications and findings: the evidence behind a programme page.

Evidence on a public page (a published programme's) changes only with a publisher: analysts see
it read-only and cannot attach new studies, publications or findings to it; a publisher's edit
goes live at once, with a message saying so. See docs/adr/0001-publishing.md.
"""

from django.contrib import admin, messages
from django.db.models import Count
from import_export.admin import ImportMixin

from ..models import Finding, Programme, Publication, PublicationStatus, Study
from ..permissions import PUBLISHER_ONLY_EVIDENCE, public_record
from ..resources import FindingResource, PublicationResource, StudyResource
from ..workflow import can_publish
from .base import RECORD_FIELDSET, ImportExportAdmin, RecordedAdmin, RefreshesDerivedDataAdmin, WideTextInputs
from .computed import (
    FindingEvidenceAdminMixin,
    FindingInlineEvidenceMixin,
    ReportedEffectDiffersFilter,
    StudyEvidenceAdminMixin,
)


def finding_fieldsets(*, first=(), raw_data_classes=()):
    """The finding form's groups, shared by the study form's inline and the finding's own form."""
    return [
        (
            None,
            {
                "fields": [
                    *first,
                    ("outcome", "outcome_label"),
                    ("measure", "reporter"),
                    ("timing", "months_after_end"),
                    "statement",
                    ("significant", "direction", "is_headline", "order"),
                ]
            },
        ),
        (
            "Effect size",
            {
                "fields": [
                    ("effect_size_type", "effect_size", "ci_low", "ci_high"),
                    "improvement_index",
                    "reported_effect_size",
                    "how_computed",
                ]
            },
        ),
        (
            "Raw group data",
            {
                "fields": [
                    "lower_is_better",
                    ("mean_t", "sd_t", "n_t", "events_t"),
                    ("mean_c", "sd_c", "n_c", "events_c"),
                ],
                "classes": list(raw_data_classes),
            },
        ),
    ]


# --------------------------------------------------------------------------- published-evidence guards
class PublishedEvidenceMixin:
    """For the study, publication and finding admins. Who may change evidence on a public page is
    PublicRecordGuard's rule (admin.base); this adds what only evidence needs: an analyst is offered
    only unpublished programmes and studies to attach evidence to, and a publisher is told that an
    edit to a published page's evidence is live at once."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None or can_publish(request.user, Programme):
            return field
        if db_field.name == "programme":
            field.queryset = field.queryset.exclude(status=PublicationStatus.PUBLISHED)
        elif db_field.name == "study":
            field.queryset = field.queryset.exclude(programme__status=PublicationStatus.PUBLISHED)
        else:
            return field
        field.error_messages["invalid_choice"] = PUBLISHER_ONLY_EVIDENCE
        return field

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record = public_record(obj)
        if record is not None:
            messages.warning(request, f"“{obj}” is on the public page of {record}: this change is live now.")


# --------------------------------------------------------------------------- studies
class PublicationInline(WideTextInputs, admin.StackedInline):
    model = Publication
    extra = 0
    fields = [("authors", "year"), "title", ("journal", "volume", "issue", "pages"), ("doi", "url"), "order", "note"]


class FindingInline(WideTextInputs, FindingInlineEvidenceMixin, admin.StackedInline):
    model = Finding
    extra = 0
    autocomplete_fields = ["outcome"]
    # Raw data folds away in the study form, where most findings are entered from the paper's text.
    fieldsets = finding_fieldsets(raw_data_classes=["collapse"])


@admin.register(Study)
class StudyAdmin(
    RefreshesDerivedDataAdmin, StudyEvidenceAdminMixin, PublishedEvidenceMixin, ImportMixin, RecordedAdmin
):
    def derived_programme_id(self, obj):
        return obj.programme_id

    resource_classes = [StudyResource]
    import_template_name = "admin/catalogue/import.html"

    list_display = [
        "citation_label",
        "programme",
        "number",
        "design",
        "rating",
        "rigorously_conducted",
        "sample_size",
        "year",
        "finding_count",
    ]
    list_filter = [
        "design",
        "rating",
        "rigorously_conducted",
        "countries",
        "measures_independent",
        "independent_of_developer",
        ("programme", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["programme"]
    search_fields = [
        "citation_label",
        "programme__name",
        "programme__acronym",
        "publications__title",
        "publications__authors",
        "sample_description",
    ]
    autocomplete_fields = ["programme", "countries"]
    inlines = [PublicationInline, FindingInline]
    fieldsets = [
        ("Study", {"fields": [("programme", "number"), "citation_label", "year", ("design", "rating")]}),
        (
            "Sample and timing",
            {"fields": ["countries", ("sample_size", "sample_description"), ("timing", "longest_follow_up_months")]},
        ),
        ("Quality", {"fields": ["rigorously_conducted", "measures_independent", "independent_of_developer"]}),
        (
            "Narrative for the programme page",
            {"fields": ["design_narrative", "sample_narrative", "measures_text", "findings_text"]},
        ),
        RECORD_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(finding_count=Count("findings", distinct=True))

    @admin.display(description="findings", ordering="finding_count")
    def finding_count(self, obj):
        return obj.finding_count


@admin.register(Publication)
class PublicationAdmin(PublishedEvidenceMixin, ImportExportAdmin):
    resource_classes = [PublicationResource]

    list_display = ["authors", "year", "title", "journal", "study"]
    list_filter = ["year"]
    list_select_related = ["study"]
    search_fields = ["authors", "title", "journal", "doi", "study__citation_label"]
    autocomplete_fields = ["study"]


@admin.register(Finding)
class FindingAdmin(
    RefreshesDerivedDataAdmin, FindingEvidenceAdminMixin, PublishedEvidenceMixin, ImportMixin, RecordedAdmin
):
    def derived_programme_id(self, obj):
        return obj.study.programme_id

    resource_classes = [FindingResource]
    import_template_name = "admin/catalogue/import.html"

    list_display = [
        "__str__",
        "outcome",
        "timing",
        "months_after_end",
        "improvement_index",
        "significant",
        "reported_check",
    ]
    list_filter = [
        "outcome__domain",
        "timing",
        "significant",
        "direction",
        "reporter",
        "study__programme",
        ReportedEffectDiffersFilter,
    ]
    list_select_related = ["study", "outcome"]
    search_fields = ["outcome__name", "outcome_label", "statement", "measure", "study__citation_label"]
    autocomplete_fields = ["study", "outcome"]
    fieldsets = [*finding_fieldsets(first=["study"]), RECORD_FIELDSET]
