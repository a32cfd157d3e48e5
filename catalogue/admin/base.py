"""The ModelAdmin bases every catalogue and reviews admin builds on."""

import tablib
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.db import models
from import_export.admin import ExportActionMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from ..cache import catalogue_changed
from ..exports import safe_cell
from ..models import Recorded
from ..permissions import may_change, public_record, refusal
from ..services import refresh_derived_data
from .locking import OptimisticLockMixin

RECORD_FIELDS = ("created_at", "created_by", "updated_at", "updated_by")
RECORD_FIELDSET = ("Record", {"fields": RECORD_FIELDS, "classes": ["collapse"]})


class WideTextInputs:
    """Long one-line fields (citations, summaries, titles) get the admin's wide input, not a 20em box."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.CharField) and not db_field.choices and (db_field.max_length or 0) >= 200:
            field.widget.attrs["class"] = "vLargeTextField"
        return field


def read_only(inline):
    """Make an inline instance view-only (its parent is public and the user may not change it)."""
    inline.has_add_permission = lambda request, obj=None: False
    inline.has_change_permission = lambda request, obj=None: False
    inline.has_delete_permission = lambda request, obj=None: False
    return inline


def without_model(perms_needed, opts, may_delete_the_model):
    """Drop the model itself from the missing permissions when only a guard refused it, so the
    delete page gives the guard's reason instead of "no permission to delete ..."."""
    return set(perms_needed) - {opts.verbose_name} if may_delete_the_model else perms_needed


class PublicRecordGuard:
    """What a public page shows changes only through a publisher (`catalogue.permissions`): to
    anyone else such a row is read-only, with its inlines, and deleting it, one row or in bulk, is
    refused with the reason. The one exception is a published programme's own form, which saves
    a pending revision for a publisher to publish (`edits_go_to_a_revision`)."""

    edits_go_to_a_revision = False

    def has_change_permission(self, request, obj=None):
        revised = self.edits_go_to_a_revision and public_record(obj) is obj
        if obj is not None and not may_change(request.user, obj) and not revised:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_change(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and not may_change(request.user, obj):
            inlines = [read_only(inline) for inline in inlines]
        return inlines

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refused = [refusal(obj) for obj in objs if not may_change(request.user, obj)]
        if refused:
            # The deletion is refused either way; the page then gives our reason, not the rows it
            # would also have deleted (Django shows missing permissions before protected rows).
            return deleted, counts, set(), [*refused, *protected]
        return deleted, counts, perms_needed, protected


class ChangesCatalogueAdmin:
    """Any save or delete in the admin marks the catalogue changed, so no cached public page outlives it.

    Lookups, collections and reviews are written here and nowhere else (the services bump for programmes
    and their evidence); the changelist's inline edits (list_editable) come through save_related too.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        catalogue_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        catalogue_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        catalogue_changed()


class ExportAdmin(ChangesCatalogueAdmin, PublicRecordGuard, WideTextInputs, ExportActionMixin, admin.ModelAdmin):
    """Every changelist exports its selection to CSV or Excel."""

    show_change_form_export = False
    actions = ["export_selected"]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Skips import-export's get_actions, which predates Django 6.1's action_location.
        return admin.ModelAdmin.get_actions(self, request, action_location=action_location)

    @admin.action(description="Export selected %(verbose_name_plural)s (CSV or Excel)", permissions=["export"])
    def export_selected(self, request, queryset):
        return self.export_admin_action(request, queryset)

    def get_data_for_export(self, request, queryset, **kwargs):
        # Every export, whatever its resource: a cell a spreadsheet would run as a formula is
        # neutralised as the public CSV does (exports.safe_cell).
        data = super().get_data_for_export(request, queryset, **kwargs)
        rows = [[safe_cell(value) if isinstance(value, str) else value for value in row] for row in data]
        return tablib.Dataset(*rows, headers=data.headers, title=data.title)


class AuditedAdmin(OptimisticLockMixin, ExportAdmin, SimpleHistoryAdmin):
    """For models with simple-history records: the History page with field-by-field changes, and a
    save refused when someone else changed the record since the form was opened.

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


class RefreshesDerivedDataAdmin(admin.ModelAdmin):
    """Keeps what is derived from a programme's evidence current (its search text and computed
    rating, through `services.refresh_derived_data`) once a form and its inlines are saved, or rows
    are deleted, one at a time or in bulk. The programme a row leaves counts as well as the one it
    joins. Subclasses say which programme a row belongs to."""

    def derived_programme_id(self, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        # On the request, not on self: one ModelAdmin serves every request at once.
        stored = type(obj)._base_manager.filter(pk=obj.pk).first() if change else None
        request.programmes_before_save = {self.derived_programme_id(stored)} if stored else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "programmes_before_save", set())
        refresh_derived_data(programme_ids={*before, self.derived_programme_id(form.instance)})

    def delete_model(self, request, obj):
        programme_id = self.derived_programme_id(obj)
        super().delete_model(request, obj)
        refresh_derived_data(programme_ids=[programme_id])

    def delete_queryset(self, request, queryset):
        # The changelist's "delete selected" skips delete_model.
        programme_ids = [self.derived_programme_id(obj) for obj in queryset]
        super().delete_queryset(request, queryset)
        refresh_derived_data(programme_ids=programme_ids)
