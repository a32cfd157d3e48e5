"""The ModelAdmin bases every catalogue and reviews admin builds on."""

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.db import models
from import_export.admin import ExportActionMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from ..models import Recorded
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
