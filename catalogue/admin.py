"""The analysts' workspace. Fieldsets follow the order of a programme page (seed 002)."""

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ExportActionMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from .admin_evidence import (  # computed values, supported rating
    FindingEvidenceAdminMixin,
    FindingInlineEvidenceMixin,
    ProgrammeEvidenceAdminMixin,
    RatingDisagreesFilter,
    StudyEvidenceAdminMixin,
)
from .models import (
    AgeGroup,
    Collection,
    Country,
    DeliveryModel,
    Finding,
    LevelOfNeed,
    Outcome,
    Programme,
    Publication,
    Recorded,
    Setting,
    Study,
    TheoryOfChangeStep,
)
from .resources import FindingResource, PublicationResource, StudyResource
from .services import refresh_derived_data, refresh_search_documents
from .workflow_admin import ProgrammeWorkflowMixin, PublishedEvidenceDeleteMixin, PublishedEvidenceInlineMixin

RECORD_FIELDS = ("created_at", "created_by", "updated_at", "updated_by")
RECORD_FIELDSET = ("Record", {"fields": RECORD_FIELDS, "classes": ["collapse"]})


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
            {"fields": [("effect_size_type", "effect_size", "ci_low", "ci_high"), "improvement_index", "how_computed"]},
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


class WideTextInputs:
    """Long one-line fields (citations, summaries, titles) get the admin's wide input, not a 20em box."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.CharField) and not db_field.choices and (db_field.max_length or 0) >= 200:
            field.widget.attrs["class"] = "vLargeTextField"
        return field


class ExportAdmin(WideTextInputs, ExportActionMixin, admin.ModelAdmin):
    """Every changelist exports its selection to CSV or Excel."""

    show_change_form_export = False
    actions = ["export_selected"]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Skips import-export's get_actions, which predates Django 6.1's action_location.
        return admin.ModelAdmin.get_actions(self, request, action_location=action_location)

    @admin.action(description="Export selected %(verbose_name_plural)s (CSV or Excel)", permissions=["export"])
    def export_selected(self, request, queryset):
        return self.export_admin_action(request, queryset)


class AuditedAdmin(ExportAdmin, SimpleHistoryAdmin):
    """For models with simple-history records: the History page with field-by-field changes.

    Lookups and outcomes keep plain ExportAdmin: they have no history, so no History button.
    """


class ImportExportAdmin(ImportMixin, AuditedAdmin):
    """Bulk import with a preview (catalogue/resources.py); the import page links the file templates."""

    import_template_name = "admin/catalogue/import.html"


class RecordedAdmin(AuditedAdmin):
    """Stamps who created and last changed a record, including records saved through inlines."""

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *RECORD_FIELDS)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Recorded):
                if instance.pk is None:
                    instance.created_by = request.user
                instance.updated_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()


# Keep the search text and computed rating current when an analyst saves or deletes.
class RefreshesSearchAdmin(admin.ModelAdmin):
    """Recomputes the programme's search text once a form and its inlines are saved, or a record deleted."""

    def search_programme_id(self, obj):
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        programme_ids = {form.initial.get("programme"), self.search_programme_id(form.instance)} - {None}
        if programme_ids:
            refresh_search_documents(programme_ids)

    def delete_model(self, request, obj):
        programme_id = self.search_programme_id(obj)
        super().delete_model(request, obj)
        if programme_id is not None:
            refresh_derived_data(programme_ids=[programme_id])

    def delete_queryset(self, request, queryset):
        # The changelist's "delete selected" skips delete_model: refresh what it touched too.
        programme_ids = [self.search_programme_id(obj) for obj in queryset]
        super().delete_queryset(request, queryset)
        refresh_derived_data(programme_ids=programme_ids)


# --------------------------------------------------------------------------- lookups
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


# --------------------------------------------------------------------------- programme
class TheoryOfChangeStepInline(admin.TabularInline):
    model = TheoryOfChangeStep
    extra = 1
    fields = ["order", "text"]


class StudyRowInline(admin.TabularInline):
    """Studies listed on the programme form, each linking to its own form for publications and findings."""

    model = Study
    extra = 0
    fields = ["number", "citation_label", "design", "rating", "edit_link"]
    readonly_fields = ["edit_link"]
    show_change_link = True
    ordering = ["number"]

    @admin.display(description="publications and findings")
    def edit_link(self, obj):
        if obj.pk is None:
            return "Save first, then add publications and findings."
        url = reverse("admin:catalogue_study_change", args=[obj.pk])
        return format_html('<a href="{}">Edit study {}</a>', url, obj.number or "")


@admin.register(Programme)
class ProgrammeAdmin(RefreshesSearchAdmin, ProgrammeEvidenceAdminMixin, ProgrammeWorkflowMixin, RecordedAdmin):
    def search_programme_id(self, obj):
        return obj.pk

    list_display = [
        "name",
        "acronym",
        "rating_display",
        "computed_rating_display",
        "cost_rating_display",
        "status",
        "study_count",
        "last_reviewed_on",
    ]
    list_filter = [
        "status",
        "evidence_level",
        "evidence_plus",
        RatingDisagreesFilter,
        "cost_rating",
        "levels_of_need",
        "age_groups",
        "delivery_models",
        "countries",
        "uk_provision",
        "uk_evaluation",
        "collections",
    ]
    search_fields = ["name", "acronym", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["age_groups", "levels_of_need", "delivery_models", "settings", "other_settings", "countries"]
    inlines = [StudyRowInline, TheoryOfChangeStepInline]
    date_hierarchy = "last_reviewed_on"
    fieldsets = [
        (
            "Name and summary",
            {"fields": ["name", "slug", "acronym", "summary", "description", "scope_note", "provider_involvement"]},
        ),
        (
            "Evidence and cost ratings",
            {
                "fields": [
                    ("evidence_level", "evidence_plus"),
                    "supported_rating",
                    "evidence_overview",
                    ("cost_rating", "estimated_unit_cost"),
                    ("assessed_in", "assessed_on"),
                ]
            },
        ),
        ("Who it is for", {"fields": ["age_groups", "levels_of_need"]}),
        (
            "How and where it is delivered",
            {
                "fields": [
                    "delivery_models",
                    "settings",
                    "other_settings",
                    "countries",
                    ("uk_provision", "uk_evaluation"),
                ]
            },
        ),
        (
            "What happens during delivery",
            {
                "fields": [
                    "delivery_summary",
                    "what_happens",
                    ("sessions", "duration_weeks"),
                    ("session_hours_min", "session_hours_max"),
                    "duration",
                    ("practitioners_per_session", "practitioner_level"),
                ]
            },
        ),
        (
            "Implementation requirements",
            {
                "fields": [
                    "who_can_deliver",
                    "training_requirements",
                    "training_hours",
                    "supervision",
                    ("supervisor_level", "supervisor_training_hours"),
                    "supervision_hours_per_family",
                    "fidelity",
                    ("licence_required", "licence_fee"),
                    "licensing",
                ]
            },
        ),
        ("Intended outcomes", {"fields": ["intended_outcomes"]}),
        ("Contact", {"fields": [("contact_name", "contact_organisation"), ("contact_email", "contact_url")]}),
        ("Publication", {"fields": ["status", ("published_on", "last_reviewed_on")]}),
        RECORD_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(study_count=Count("studies", distinct=True))

    @admin.display(description="evidence", ordering="evidence_level")
    def rating_display(self, obj):
        return obj.evidence_rating or "–"

    @admin.display(description="cost", ordering="cost_rating")
    def cost_rating_display(self, obj):
        return obj.cost_rating_code

    @admin.display(description="studies", ordering="study_count")
    def study_count(self, obj):
        return obj.study_count


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


# --------------------------------------------------------------------------- studies
class PublicationInline(PublishedEvidenceInlineMixin, WideTextInputs, admin.StackedInline):
    model = Publication
    extra = 0
    fields = [("authors", "year"), "title", ("journal", "volume", "issue", "pages"), ("doi", "url"), "order"]


class FindingInline(PublishedEvidenceInlineMixin, WideTextInputs, FindingInlineEvidenceMixin, admin.StackedInline):
    model = Finding
    extra = 0
    autocomplete_fields = ["outcome"]
    # Raw data folds away in the study form, where most findings are entered from the paper's text.
    fieldsets = finding_fieldsets(raw_data_classes=["collapse"])


@admin.register(Study)
class StudyAdmin(
    RefreshesSearchAdmin, StudyEvidenceAdminMixin, PublishedEvidenceDeleteMixin, ImportMixin, RecordedAdmin
):
    def search_programme_id(self, obj):
        return obj.programme_id

    resource_classes = [StudyResource]
    import_template_name = "admin/catalogue/import.html"

    list_display = ["citation_label", "programme", "number", "design", "rating", "sample_size", "year", "finding_count"]
    list_filter = [
        "design",
        "rating",
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
        ("Quality", {"fields": ["measures_independent", "independent_of_developer"]}),
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
class PublicationAdmin(PublishedEvidenceDeleteMixin, ImportExportAdmin):
    resource_classes = [PublicationResource]

    list_display = ["authors", "year", "title", "journal", "study"]
    list_filter = ["year"]
    list_select_related = ["study"]
    search_fields = ["authors", "title", "journal", "doi", "study__citation_label"]
    autocomplete_fields = ["study"]


@admin.register(Finding)
class FindingAdmin(
    RefreshesSearchAdmin, FindingEvidenceAdminMixin, PublishedEvidenceDeleteMixin, ImportMixin, RecordedAdmin
):
    def search_programme_id(self, obj):
        return obj.study.programme_id

    resource_classes = [FindingResource]
    import_template_name = "admin/catalogue/import.html"

    list_display = ["__str__", "outcome", "timing", "months_after_end", "improvement_index", "significant"]
    list_filter = ["outcome__domain", "timing", "significant", "direction", "reporter", "study__programme"]
    list_select_related = ["study", "outcome"]
    search_fields = ["outcome__name", "outcome_label", "statement", "measure", "study__citation_label"]
    autocomplete_fields = ["study", "outcome"]
    fieldsets = [*finding_fieldsets(first=["study"]), RECORD_FIELDSET]
