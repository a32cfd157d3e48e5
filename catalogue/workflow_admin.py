"""Admin pieces for the editorial workflow (issue 6), mixed into the ModelAdmins in admin.py.

- ProgrammeWorkflowMixin: status moves only through buttons and actions that call
  catalogue/publishing.py; a published programme's form saves a pending revision; deleting
  a published programme is refused (archive it).
- PublishedEvidenceDeleteMixin: only a publisher deletes evidence shown on a public page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import publishing
from .models import PendingRevision, Programme, PublicationEvent, PublicationStatus

WORKFLOW_FIELDS = ("status", "published_on")


class ChangeNoteForm(forms.Form):
    change_note = forms.CharField(
        label="Change note",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text='Shown to commissioners in the rating history and the changes feed, e.g. "Rating raised from 3 '
        'to 3+ after the Stronach (2013) follow-up study".',
    )


# (label, needs the publish permission, needs a change note, allowed from these statuses)
WORKFLOW_ACTIONS = {
    "submit": ("Submit for review", False, False, {PublicationStatus.DRAFT}),
    "return-to-draft": ("Return to draft", False, False, {PublicationStatus.IN_REVIEW}),
    "publish": ("Publish", True, True, set(PublicationStatus)),
    "unpublish": ("Unpublish", True, True, {PublicationStatus.PUBLISHED}),
    "archive": (
        "Archive",
        True,
        True,
        {PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED},
    ),
    "discard": ("Discard pending changes", False, False, {PublicationStatus.PUBLISHED}),
}


class PublicationEventInline(admin.TabularInline):
    """The programme's publication log, read-only: publisher decisions are made with the buttons."""

    model = PublicationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "published_at",
        "kind",
        "published_by",
        "evidence_rating_before",
        "evidence_rating_after",
        "cost_rating_before",
        "cost_rating_after",
        "change_note",
    ]
    verbose_name_plural = "publication history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _read_only(inline):
    """Make an inline instance view-only: a published programme's rows are not edited in its form."""
    inline.has_add_permission = lambda request, obj=None: False
    inline.has_change_permission = lambda request, obj=None: False
    inline.has_delete_permission = lambda request, obj=None: False
    return inline


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


class ProgrammeWorkflowMixin:
    change_form_template = "admin/catalogue/programme/change_form.html"
    show_change_form_export = False
    actions = ["export_selected", "submit_for_review_action", "publish_action", "archive_action"]

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
    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *WORKFLOW_FIELDS)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        # The study rows and theory of change are not part of a revision: on a published
        # programme they are saved live, so only a publisher may change them here.
        if obj is not None and obj.status == PublicationStatus.PUBLISHED and not publishing.can_publish(request.user):
            inlines = [_read_only(inline) for inline in inlines]
        if obj is not None:
            inlines.append(PublicationEventInline(self.model, self.admin_site))
        return inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        revision = getattr(obj, "pending_revision", None) if obj is not None else None
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
        if change and Programme.objects.filter(pk=obj.pk, status=PublicationStatus.PUBLISHED).exists():
            m2m = {name: form.cleaned_data[name] for name in form.cleaned_data if _is_m2m(name)}
            publishing.save_revision(programme=obj, m2m=m2m, user=request.user)
            request._saved_as_revision = True
            messages.warning(
                request,
                f"Saved as pending changes to “{obj}”: the public page still shows the published version "
                "until a publisher publishes them.",
            )
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_saved_as_revision", False):
            # The M2M choices are in the revision, so not form.save_m2m(). The inlines are
            # read-only for analysts (nothing to save) and live for publishers.
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)
            return
        super().save_related(request, form, formsets, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        programme = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if programme is not None:
            extra_context.update(self._workflow_context(request, programme))
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _workflow_context(self, request, programme):
        revision = PendingRevision.objects.filter(programme=programme).first()
        buttons = [
            (reverse("admin:catalogue_programme_workflow", args=[programme.pk, action]), label)
            for action, (label, _, _, allowed) in WORKFLOW_ACTIONS.items()
            if self._may(request, action, programme, revision) and programme.status in allowed
        ]
        return {
            "workflow_buttons": buttons,
            "pending_revision": revision,
            "pending_changes": publishing.revision_changes(revision) if revision else [],
        }

    def _may(self, request, action, programme, revision):
        _, needs_publisher, _, _ = WORKFLOW_ACTIONS[action]
        if needs_publisher and not publishing.can_publish(request.user):
            return False
        if action == "discard" or (action == "publish" and programme.status == PublicationStatus.PUBLISHED):
            return revision is not None
        return self.has_change_permission(request, programme)

    # ----------------------------------------------------------------- workflow view
    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/workflow/<slug:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="catalogue_programme_workflow",
            )
        ]
        return urls + super().get_urls()

    def workflow_view(self, request, object_id, action):
        """Confirm and carry out one workflow step. Permissions are checked again by the service."""
        programme = get_object_or_404(Programme, pk=object_id)
        if action not in WORKFLOW_ACTIONS:
            raise PermissionDenied
        label, needs_publisher, needs_note, _ = WORKFLOW_ACTIONS[action]
        if needs_publisher and not publishing.can_publish(request.user):
            raise PermissionDenied
        if not self.has_change_permission(request, programme) and not self.has_view_permission(request, programme):
            raise PermissionDenied
        form = ChangeNoteForm(request.POST or None) if needs_note else None
        if request.method == "POST" and (form is None or form.is_valid()):
            note = form.cleaned_data["change_note"] if form else ""
            try:
                self._run(action, programme, request.user, note)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"{label}: “{programme}” done.")
            return redirect("admin:catalogue_programme_change", programme.pk)
        revision = PendingRevision.objects.filter(programme=programme).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{label}: {programme}",
            "programme": programme,
            "action_label": label,
            "form": form,
            "pending_changes": publishing.revision_changes(revision) if revision else [],
        }
        return TemplateResponse(request, "admin/catalogue/programme/workflow_confirm.html", context)

    @staticmethod
    def _run(action, programme, user, note):
        run = {
            "submit": lambda: publishing.submit_for_review(programme=programme, user=user),
            "return-to-draft": lambda: publishing.return_to_draft(programme=programme, user=user),
            "publish": lambda: publishing.publish(programme=programme, user=user, change_note=note),
            "unpublish": lambda: publishing.unpublish(programme=programme, user=user, change_note=note),
            "archive": lambda: publishing.archive(programme=programme, user=user, change_note=note),
            "discard": lambda: publishing.discard_revision(programme=programme, user=user),
        }
        run[action]()

    # ----------------------------------------------------------------- changelist actions
    def has_publish_permission(self, request):
        return publishing.can_publish(request.user)

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    def submit_for_review_action(self, request, queryset):
        self._bulk(request, queryset, "submit", "")

    @admin.action(description="Publish selected programmes…", permissions=["publish"])
    def publish_action(self, request, queryset):
        form = ChangeNoteForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._bulk(request, queryset, "publish", form.cleaned_data["change_note"])
            return None
        return self._bulk_confirm(request, queryset, form, "publish_action", "Publish")

    @admin.action(description="Archive selected programmes…", permissions=["publish"])
    def archive_action(self, request, queryset):
        form = ChangeNoteForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._bulk(request, queryset, "archive", form.cleaned_data["change_note"])
            return None
        return self._bulk_confirm(request, queryset, form, "archive_action", "Archive")

    def _bulk_confirm(self, request, queryset, form, action, label):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{label} {queryset.count()} programmes",
            "queryset": queryset,
            "form": form,
            "action": action,
            "action_label": label,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/catalogue/programme/bulk_confirm.html", context)

    def _bulk(self, request, queryset, action, note):
        done = 0
        for programme in queryset:
            try:
                self._run(action, programme, request.user, note)
                done += 1
            except ValidationError as error:
                messages.warning(request, f"{programme}: {' '.join(error.messages)}")
        if done:
            messages.success(request, f"{WORKFLOW_ACTIONS[action][0]}: {done} programme(s).")

    # ----------------------------------------------------------------- delete guard
    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == PublicationStatus.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        published = [obj for obj in objs if obj.status == PublicationStatus.PUBLISHED]
        if published:
            # Say why, instead of Django's "no permission to delete programmes".
            perms_needed = _without(perms_needed, self.opts, self.has_delete_permission(request))
            protected = [*protected, *(f"{obj} is published: archive it instead of deleting it." for obj in published)]
        return deleted, counts, perms_needed, protected


def _is_m2m(name):
    try:
        return Programme._meta.get_field(name).many_to_many
    except Exception:  # a form-only field
        return False


def published_programme_of(obj):
    """The published programme whose public page shows `obj` (a study, publication or finding), if any."""
    study = getattr(obj, "study", None) or obj
    programme = getattr(study, "programme", None)
    return programme if programme is not None and programme.status == PublicationStatus.PUBLISHED else None


class PublishedEvidenceDeleteMixin:
    """Evidence shown on a public page (a published programme's): saving it says it is live, and
    deleting it takes a publisher."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        programme = published_programme_of(obj)
        if programme is not None:
            messages.warning(request, f"“{obj}” is on the public page of {programme}: this change is live now.")

    def has_delete_permission(self, request, obj=None):
        if obj is not None and published_programme_of(obj) and not publishing.can_publish(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        shown = [obj for obj in objs if published_programme_of(obj)]
        if shown and not publishing.can_publish(request.user):
            perms_needed = _without(perms_needed, self.opts, self.has_delete_permission(request))
            protected = [*protected, *(f"{obj} is on a published page: ask a publisher." for obj in shown)]
        return deleted, counts, perms_needed, protected


def _without(perms_needed, opts, may_delete_the_model):
    """Drop the model itself from the missing permissions when only the guard above refused it."""
    return set(perms_needed) - {opts.verbose_name} if may_delete_the_model else perms_needed
