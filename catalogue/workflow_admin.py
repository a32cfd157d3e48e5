"""Admin pieces for the editorial workflow, mixed into the ModelAdmins in admin.py.

- StatusWorkflowMixin: for any model with a publication status (programmes, reviews): status
  moves only through change-form buttons and changelist actions that call the model's publishing
  services; deleting a published record is refused (archive it).
- ProgrammeWorkflowMixin: that, plus pending revisions: a published programme's form saves one.
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
STATUS_ACTIONS = {
    "submit": ("Submit for review", False, False, {PublicationStatus.DRAFT}),
    "return-to-draft": ("Return to draft", False, False, {PublicationStatus.IN_REVIEW}),
    "publish": (
        "Publish",
        True,
        True,
        {PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED},
    ),
    "unpublish": ("Unpublish", True, True, {PublicationStatus.PUBLISHED}),
    "archive": (
        "Archive",
        True,
        True,
        {PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED},
    ),
}
# A programme also has pending revisions: publishing a published one publishes its revision.
WORKFLOW_ACTIONS = {
    **STATUS_ACTIONS,
    "publish": ("Publish", True, True, set(PublicationStatus)),
    "discard": ("Discard pending changes", False, False, {PublicationStatus.PUBLISHED}),
}
# The service each action calls, in the admin's `workflow_services` module.
WORKFLOW_SERVICES = {
    "submit": "submit_for_review",
    "return-to-draft": "return_to_draft",
    "publish": "publish",
    "unpublish": "unpublish",
    "archive": "archive",
    "discard": "discard_revision",
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


class StatusWorkflowMixin:
    """Draft → in review → published → archived for a ModelAdmin whose model has `status`,
    `published_on`, `is_public` and a history.

    Set `workflow_services` to a module with `can_publish(user)` and the services named in
    WORKFLOW_SERVICES, each taking the object by its model name (`review=`), `user=` and, for
    publisher steps, `change_note=`; `workflow_actions` to the steps offered; `event_inline` to
    the read-only inline of its publication events.
    """

    workflow_services = None
    workflow_actions = STATUS_ACTIONS
    event_inline = None
    change_note_form = ChangeNoteForm
    actions = ["export_selected", "submit_for_review_action", "publish_action", "archive_action"]

    # ----------------------------------------------------------------- form
    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *WORKFLOW_FIELDS)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and self.event_inline is not None:
            inlines.append(self.event_inline(self.model, self.admin_site))
        return inlines

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            extra_context.update(self._workflow_context(request, obj))
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def workflow_extra_context(self, request, obj) -> dict:
        """What the change form and confirmation page show besides the status (e.g. pending changes)."""
        return {}

    def workflow_summary(self, obj) -> str:
        """A line the confirmation page shows under the status (e.g. the ratings)."""
        return ""

    def _workflow_context(self, request, obj):
        extra = self.workflow_extra_context(request, obj)
        buttons = [
            (self._workflow_url(obj, action), label)
            for action, (label, _, _, allowed) in self.workflow_actions.items()
            if obj.status in allowed and self._may(request, action, obj, extra)
        ]
        return {"workflow_buttons": buttons, **extra}

    def _may(self, request, action, obj, extra):
        _, needs_publisher, _, _ = self.workflow_actions[action]
        if needs_publisher and not self.workflow_services.can_publish(request.user):
            return False
        return self.has_change_permission(request, obj)

    # ----------------------------------------------------------------- workflow view
    def _workflow_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_workflow"

    def _workflow_url(self, obj, action):
        return reverse(f"admin:{self._workflow_url_name()}", args=[obj.pk, action])

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/workflow/<slug:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name=self._workflow_url_name(),
            )
        ]
        return urls + super().get_urls()

    def workflow_view(self, request, object_id, action):
        """Confirm and carry out one workflow step. Permissions are checked again by the service."""
        obj = get_object_or_404(self.model, pk=object_id)
        if action not in self.workflow_actions:
            raise PermissionDenied
        label, needs_publisher, needs_note, _ = self.workflow_actions[action]
        if needs_publisher and not self.workflow_services.can_publish(request.user):
            raise PermissionDenied
        if not self.has_change_permission(request, obj) and not self.has_view_permission(request, obj):
            raise PermissionDenied
        form = self.change_note_form(request.POST or None) if needs_note else None
        change_url = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        if request.method == "POST" and (form is None or form.is_valid()):
            note = form.cleaned_data["change_note"] if form else ""
            try:
                self._run(action, obj, request.user, note)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"{label}: “{obj}” done.")
            return redirect(change_url, obj.pk)
        context = {
            **self.admin_site.each_context(request),
            **self.workflow_extra_context(request, obj),
            "opts": self.opts,
            "title": f"{label}: {obj}",
            "original": obj,
            "summary": self.workflow_summary(obj),
            "action_label": label,
            "form": form,
        }
        return TemplateResponse(request, "admin/catalogue/workflow_confirm.html", context)

    def _run(self, action, obj, user, note):
        service = getattr(self.workflow_services, WORKFLOW_SERVICES[action])
        kwargs = {self.opts.model_name: obj, "user": user}
        if self.workflow_actions[action][2]:
            kwargs["change_note"] = note
        service(**kwargs)

    # ----------------------------------------------------------------- changelist actions
    def has_publish_permission(self, request):
        return self.workflow_services.can_publish(request.user)

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    def submit_for_review_action(self, request, queryset):
        self._bulk(request, queryset, "submit", "")

    @admin.action(description="Publish selected %(verbose_name_plural)s…", permissions=["publish"])
    def publish_action(self, request, queryset):
        form = self.change_note_form(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._bulk(request, queryset, "publish", form.cleaned_data["change_note"])
            return None
        return self._bulk_confirm(request, queryset, form, "publish_action", "Publish")

    @admin.action(description="Archive selected %(verbose_name_plural)s…", permissions=["publish"])
    def archive_action(self, request, queryset):
        form = self.change_note_form(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._bulk(request, queryset, "archive", form.cleaned_data["change_note"])
            return None
        return self._bulk_confirm(request, queryset, form, "archive_action", "Archive")

    def _bulk_confirm(self, request, queryset, form, action, label):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{label} {queryset.count()} {self.opts.verbose_name_plural}",
            "queryset": queryset,
            "form": form,
            "action": action,
            "action_label": label,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/catalogue/bulk_confirm.html", context)

    def _bulk(self, request, queryset, action, note):
        done = 0
        for obj in queryset:
            try:
                self._run(action, obj, request.user, note)
                done += 1
            except ValidationError as error:
                messages.warning(request, f"{obj}: {' '.join(error.messages)}")
        if done:
            messages.success(request, f"{self.workflow_actions[action][0]}: {done} {self.opts.verbose_name}(s).")

    # ----------------------------------------------------------------- delete guard
    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == PublicationStatus.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        published = [obj for obj in objs if obj.status == PublicationStatus.PUBLISHED]
        if published:
            # Say why, instead of Django's "no permission to delete ...".
            perms_needed = _without(perms_needed, self.opts, self.has_delete_permission(request))
            protected = [*protected, *(f"{obj} is published: archive it instead of deleting it." for obj in published)]
        return deleted, counts, perms_needed, protected


class ProgrammeWorkflowMixin(StatusWorkflowMixin):
    change_form_template = "admin/catalogue/programme/change_form.html"
    show_change_form_export = False
    workflow_services = publishing
    workflow_actions = WORKFLOW_ACTIONS
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
    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        # The study rows and theory of change are not part of a revision: on a published
        # programme they are saved live, so only a publisher may change them here.
        if obj is not None and obj.status == PublicationStatus.PUBLISHED and not publishing.can_publish(request.user):
            inlines = [_read_only(inline) for inline in inlines]
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

    def workflow_extra_context(self, request, obj):
        revision = PendingRevision.objects.filter(programme=obj).first()
        return {
            "pending_revision": revision,
            "pending_changes": publishing.revision_changes(revision) if revision else [],
        }

    def workflow_summary(self, obj):
        return f"Evidence rating {obj.evidence_rating or 'not rated'}, cost rating {obj.cost_rating_code}."

    def _may(self, request, action, obj, extra):
        # Discarding, and publishing a published programme, only make sense with pending changes.
        if action == "discard" or (action == "publish" and obj.status == PublicationStatus.PUBLISHED):
            return extra["pending_revision"] is not None and super()._may(request, action, obj, extra)
        return super()._may(request, action, obj, extra)


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


PUBLISHER_ONLY_EVIDENCE = (
    "Only a publisher can change the evidence on a published programme's page. To propose new "
    "evidence, enter the study with no programme, add its publications and findings, and ask a "
    "publisher to attach it."
)


def evidence_is_locked(user, *objs) -> bool:
    """Whether `user` may not write these studies, publications or findings: any of them is on a
    published programme's page and the user cannot publish. Publishers' edits are the approval.

    No user means code run by an operator (a script or shell), not an admin request: not locked.
    """
    if user is None:
        return False
    return not publishing.can_publish(user) and any(published_programme_of(obj) for obj in objs if obj is not None)


class PublishedEvidenceDeleteMixin:
    """Evidence on a public page (a published programme's) changes only with a publisher.

    Analysts see it read-only and cannot attach new studies, publications or findings to it; a
    publisher's edit goes live at once, with a message saying so. See docs/adr/0001-publishing.md.
    """

    def has_change_permission(self, request, obj=None):
        if obj is not None and evidence_is_locked(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if publishing.can_publish(request.user) or field is None:
            return field
        # An analyst may not attach evidence to a published page: offer only unpublished targets.
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


class PublishedEvidenceInlineMixin:
    """The study form's publication and finding rows: read-only to analysts on a published page."""

    def has_add_permission(self, request, obj=None):
        return not evidence_is_locked(request.user, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not evidence_is_locked(request.user, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not evidence_is_locked(request.user, obj) and super().has_delete_permission(request, obj)


def _without(perms_needed, opts, may_delete_the_model):
    """Drop the model itself from the missing permissions when only the guard above refused it."""
    return set(perms_needed) - {opts.verbose_name} if may_delete_the_model else perms_needed
