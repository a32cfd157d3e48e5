"""The admin side of the editorial workflow (catalogue/workflow.py), for every publishable model.

WorkflowAdminMixin renders the change form's buttons and the changelist's actions from the one
table of transitions, and calls the services, which check permissions, status and change notes
again on the locked row. Status never changes through the form, and a published record is
archived, never deleted.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import workflow
from ..models import PublicationEvent, PublicationStatus
from .base import without_model

WORKFLOW_FIELDS = ("status", "published_on")


class StepForm(forms.Form):
    """A workflow step's confirmation, carrying the status and version of the record it was shown on:
    a step confirmed on a record that changed meanwhile is refused, not taken on what nobody saw."""

    seen_status = forms.CharField(widget=forms.HiddenInput, required=False)
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)


class ChangeNoteForm(StepForm):
    change_note = forms.CharField(
        label="Change note",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text='Shown to commissioners in the rating history and the changes feed, e.g. "Rating raised from 3 '
        'to 3+ after the Stronach (2013) follow-up study".',
    )


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


def _bulk_action(transition: workflow.Transition):
    """A changelist action taking `transition` on each selected record."""

    def action(model_admin, request, queryset):
        return model_admin.take_bulk_step(request, queryset, transition)

    action.__name__ = f"{transition.service}_action"
    ellipsis = "…" if transition.change_note else ""
    action.short_description = f"{transition.label}: selected %(verbose_name_plural)s{ellipsis}"
    action.allowed_permissions = ("publish",) if transition.role is workflow.Role.PUBLISHER else ("change",)
    return action


BULK_ACTIONS = {transition.action: _bulk_action(transition) for transition in workflow.TRANSITIONS.values()}


class WorkflowAdminMixin:
    """Draft → in review → published → archived for a ModelAdmin whose model is registered with the
    workflow. Set `event_inline` to the read-only inline of its publication events. Mix it into an
    AuditedAdmin: its confirmation pages use the record versions of optimistic locking."""

    event_inline = None
    change_note_form = ChangeNoteForm
    actions = ["export_selected", *BULK_ACTIONS.values()]

    def has_pending_revision(self, obj) -> bool:
        return False

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
            extra_context.update(self.workflow_extra_context(request, obj))
            extra_context["workflow_buttons"] = [
                (self._workflow_url(obj, transition.action), transition.label)
                for transition in self._offered(request, obj)
            ]
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def workflow_extra_context(self, request, obj) -> dict:
        """What the change form and confirmation page show besides the status (e.g. pending changes)."""
        return {}

    def workflow_summary(self, obj) -> str:
        """A line the confirmation page shows under the status (e.g. the ratings)."""
        return ""

    def _offered(self, request, obj):
        """The steps the table allows from `obj`'s status that `request.user` may take."""
        has_revision = self.has_pending_revision(obj)
        return [
            transition
            for transition in workflow.TRANSITIONS.values()
            if transition.allowed_from(obj.status, has_revision=has_revision)
            and workflow.may(request.user, transition, self.model)
            and self.has_change_permission(request, obj)
        ]

    # ----------------------------------------------------------------- one step, from the change form
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
        """Confirm and take one workflow step. The service checks permission and status again."""
        obj = get_object_or_404(self.model, pk=object_id)
        transition = workflow.TRANSITIONS.get(action)
        if transition is None or not workflow.may(request.user, transition, self.model):
            raise PermissionDenied
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form_class = self.change_note_form if transition.change_note else StepForm
        seen = {"seen_status": obj.status, "seen_version": self.record_version(obj)}
        form = form_class(request.POST if request.method == "POST" else None, initial=seen)
        change_url = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        if request.method == "POST" and form.is_valid():
            # The caller's copy stands for what the user saw: the service refuses if the row moved on.
            obj.status = form.cleaned_data["seen_status"] or obj.status
            try:
                with transaction.atomic():
                    self._require_seen_version(obj, form.cleaned_data["seen_version"])
                    self.take_step(transition, obj, request.user, form.cleaned_data.get("change_note", ""))
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _message(error))
            else:
                messages.success(request, f"{transition.label}: “{obj}” done.")
            return redirect(change_url, obj.pk)
        context = {
            **self.admin_site.each_context(request),
            **self.workflow_extra_context(request, obj),
            "opts": self.opts,
            "title": f"{transition.label}: {obj}",
            "original": obj,
            "summary": self.workflow_summary(obj),
            "action_label": transition.label,
            "form": form,
        }
        return TemplateResponse(request, "admin/catalogue/workflow_confirm.html", context)

    def _require_seen_version(self, obj, seen_version):
        """Refuse a step confirmed on an older version (e.g. a revision saved again since): the record
        is locked here in the workflow's order, and stays locked for the step in the same transaction."""
        current = self.lock_record(obj.pk)
        if seen_version and current is not None and self.record_version(current) != seen_version:
            raise ValidationError(
                f"“{current}” was changed {self.changed_by(current)} since you opened this page. "
                "Nothing was done: check what it is now, then try again."
            )

    def take_step(self, transition, obj, user, note):
        service = getattr(workflow, transition.service)
        if transition.change_note:
            return service(obj=obj, user=user, change_note=note)
        return service(obj=obj, user=user)

    # ----------------------------------------------------------------- changelist actions
    def has_publish_permission(self, request):
        return workflow.can_publish(request.user, self.model)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # A model without pending revisions never takes a step that needs one (discarding).
        takes_revisions = workflow.publishable(self.model).revision_model is not None
        for transition in workflow.TRANSITIONS.values():
            if not transition.sources and not takes_revisions:
                actions.pop(BULK_ACTIONS[transition.action].__name__, None)
        return actions

    def take_bulk_step(self, request, queryset, transition):
        if transition.change_note:
            form = self.change_note_form(request.POST if "apply" in request.POST else None)
            if not (form.is_bound and form.is_valid()):
                return self._bulk_confirm(request, queryset, form, transition)
            note = form.cleaned_data["change_note"]
        else:
            note = ""
        done = 0
        for obj in queryset:
            try:
                self.take_step(transition, obj, request.user, note)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                messages.warning(request, f"{obj}: {_message(error)}")
        if done:
            messages.success(request, f"{transition.label}: {done} {self.opts.verbose_name}(s).")
        return None

    def _bulk_confirm(self, request, queryset, form, transition):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{transition.label} {queryset.count()} {self.opts.verbose_name_plural}",
            "queryset": queryset,
            "form": form,
            "action": BULK_ACTIONS[transition.action].__name__,
            "action_label": transition.label,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/catalogue/bulk_confirm.html", context)

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
            perms_needed = without_model(perms_needed, self.opts, self.has_delete_permission(request))
            protected = [*protected, *(f"{obj} is published: archive it instead of deleting it." for obj in published)]
        return deleted, counts, perms_needed, protected


def _message(error) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else (str(error) or "Not allowed.")
