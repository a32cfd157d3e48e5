"""Programmes: the analysts' main form, in the order of a programme page (seed 002).

While a programme is published, its form edits a pending revision (catalogue/revisions.py), not
the live row: saving stores the revision, and a publisher publishes it with the workflow's
Publish button. Only a publisher changes a published programme's study list and theory of change.
"""

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html

from .. import workflow
from ..models import PendingRevision, Programme, PublicationStatus, SourceClassification, Study, TheoryOfChangeStep
from ..revisions import revision_changes
from .base import RECORD_FIELDSET, RecordedAdmin, RefreshesDerivedDataAdmin, WideTextInputs
from .computed import ProgrammeEvidenceAdminMixin, RatingDisagreesFilter
from .crosswalk import ClearinghouseRatingInline
from .workflow import PublicationEventInline, WorkflowAdminMixin


class PendingChangesFilter(admin.SimpleListFilter):
    """Lets a publisher find the published programmes with changes waiting for them."""

    title = "pending changes"
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", "Has pending changes"), ("no", "No pending changes")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(has_pending_revision=self.value() == "yes")
        return queryset


def _is_m2m(name):
    try:
        return Programme._meta.get_field(name).many_to_many
    except Exception:  # a form-only field
        return False


class PendingRevisionAdminMixin(WorkflowAdminMixin):
    """The workflow, plus pending revisions: a published programme's form saves one."""

    change_form_template = "admin/catalogue/programme/change_form.html"
    show_change_form_export = False
    event_inline = PublicationEventInline

    # ----------------------------------------------------------------- list
    def get_queryset(self, request):
        pending = PendingRevision.objects.filter(programme=OuterRef("pk"))
        return super().get_queryset(request).annotate(has_pending_revision=Exists(pending))

    def get_list_filter(self, request):
        return [*super().get_list_filter(request)[:1], PendingChangesFilter, *super().get_list_filter(request)[1:]]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "pending_changes"]

    @admin.display(description="pending changes", boolean=True, ordering="has_pending_revision")
    def pending_changes(self, obj):
        return obj.has_pending_revision

    # ----------------------------------------------------------------- form
    # An analyst's edit of a published programme is saved as its pending revision. Its study rows and
    # theory of change are not part of a revision, so PublicRecordGuard shows them read-only.
    edits_go_to_a_revision = True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        revision = PendingRevision.objects.filter(programme_id=obj.pk).first() if obj is not None else None
        if revision is None:
            return form_class

        class WorkingCopyForm(form_class):
            """Opens on the pending revision's values, not the published ones."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial.update(revision.data.get("fields", {}))
                self.initial.update(revision.m2m_ids())

        return WorkingCopyForm

    def save_model(self, request, obj, form, change):
        # The row was locked when the form was checked (lock_record), so its status holds until the save.
        if change and Programme.objects.filter(pk=obj.pk, status=PublicationStatus.PUBLISHED).exists():
            m2m = {name: form.cleaned_data[name] for name in form.cleaned_data if _is_m2m(name)}
            workflow.save_revision(obj=obj, m2m=m2m, user=request.user)
            # Said once, by message_user below, in place of Django's "was changed successfully".
            request._saved_as_revision = obj
            return
        super().save_model(request, obj, form, change)
        # A form on an unpublished programme with a revision (one unpublished with pending changes)
        # opened on the revision's values, so the row now holds them: publishing the old revision
        # later would overwrite these edits.
        if change and PendingRevision.objects.filter(programme_id=obj.pk).delete()[0]:
            messages.info(request, f"The pending changes to “{obj}” are now part of its draft.")

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_saved_as_revision", False) and level == messages.SUCCESS:
            # Django's response_change says "… was changed successfully", which reads as if the public page
            # changed: after a revision save the analyst gets this one message instead.
            message = (
                f"Saved as pending changes to “{request._saved_as_revision}”: the public page still shows the "
                "published version until a publisher publishes them."
            )
        super().message_user(request, message, level, *args, **kwargs)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_saved_as_revision", False):
            # The M2M choices are in the revision, so not form.save_m2m(). The inlines are
            # read-only for analysts (nothing to save) and live for publishers.
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)
            return
        super().save_related(request, form, formsets, change)

    # ----------------------------------------------------------------- workflow
    def has_pending_revision(self, obj) -> bool:
        return PendingRevision.objects.filter(programme_id=obj.pk).exists()

    def workflow_extra_context(self, request, obj):
        revision = PendingRevision.objects.filter(programme=obj).first()
        return {"pending_revision": revision, "pending_changes": revision_changes(revision) if revision else []}

    def workflow_summary(self, obj):
        return f"Evidence rating {obj.evidence_rating or 'not rated'}, cost rating {obj.cost_rating_code}."

    # ----------------------------------------------------------------- optimistic locking
    # The form shows the working copy, so its version is the programme row's and its revision's.
    def record_version(self, obj):
        revision = PendingRevision.objects.filter(programme_id=obj.pk).first()
        return f"{obj.updated_at.isoformat()}|{revision.updated_at.isoformat() if revision else ''}"

    def lock_record(self, pk):
        row = super().lock_record(pk)  # the workflow's lock order: the programme, then its revision
        PendingRevision.objects.select_for_update().filter(programme_id=pk).first()
        return row

    def last_change(self, obj):
        revision = PendingRevision.objects.filter(programme_id=obj.pk).first()
        if revision is not None and revision.updated_at >= obj.updated_at:
            return revision.updated_by, revision.updated_at
        return super().last_change(obj)


# --------------------------------------------------------------------------- programme
class TheoryOfChangeStepInline(admin.TabularInline):
    model = TheoryOfChangeStep
    extra = 1
    fields = ["order", "text"]


class SourceClassificationInline(WideTextInputs, admin.StackedInline):
    """What each source says about the programme's evidence, in its own words: never our rating
    (docs/adr/0004-ratings-and-source-classifications.md). Shown where a rating would be while we
    have not rated the programme. Rows are stamped by RecordedAdmin.save_formset."""

    model = SourceClassification
    extra = 0
    fields = [
        "source",
        ("source_label", "source_date"),
        "source_url",
        ("kind", "classification"),
        "statement",
        "order",
    ]


class StudyRowInline(admin.TabularInline):
    """Studies listed on the programme form, each linking to its own form for publications and findings."""

    model = Study
    extra = 0
    fields = ["number", "citation_label", "design", "rating", "rigorously_conducted", "edit_link"]
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
class ProgrammeAdmin(RefreshesDerivedDataAdmin, ProgrammeEvidenceAdminMixin, PendingRevisionAdminMixin, RecordedAdmin):
    def derived_programme_id(self, obj):
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
    inlines = [StudyRowInline, SourceClassificationInline, ClearinghouseRatingInline, TheoryOfChangeStepInline]
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
                    "rating_difference_note",
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
