"""Optimistic locking for admin change forms: a save never silently overwrites someone else's.

The change form carries the version of the record it was opened on (its `updated_at`; for a
model without one, a digest of its values) in a hidden field. On save the row is re-read with
`select_for_update()` inside the admin's transaction. When the version differs, the form comes
back with "This record was changed by NAME at TIME since you opened it" and a table of the
fields where their saved values differ from yours. The hidden field then holds the current
version, so saving again is a deliberate overwrite; reloading the page starts from theirs.

Only the record's own fields are compared: rows saved through inlines carry no version.
"""

import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from ..revisions import one_newline

VERSION_FIELD = "record_version"


class VersionCheckForm:
    """Mixed into an admin's form class by OptimisticLockMixin.get_form."""

    model_admin = None
    conflicts = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD].initial = self.model_admin.record_version(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        self.model_admin.check_version(self)
        return cleaned_data


class OptimisticLockMixin:
    """For a ModelAdmin: refuse a save whose record changed since its form was opened, showing both versions."""

    change_form_template = "admin/catalogue/recorded_change_form.html"

    def record_version(self, obj) -> str:
        """What changes whenever the record is saved: `updated_at`, or a digest of every column."""
        if getattr(obj, "updated_at", None) is not None:
            return obj.updated_at.isoformat()
        values = "|".join(repr(field.value_from_object(obj)) for field in obj._meta.concrete_fields)
        return hashlib.sha256(values.encode()).hexdigest()

    def lock_record(self, pk):
        """The record as saved now, locked until the admin's transaction ends (the save happens inside it)."""
        # No ordering: a Meta.ordering across a nullable relation would join a table FOR UPDATE cannot lock.
        return self.model._base_manager.select_for_update(of=("self",)).order_by().filter(pk=pk).first()

    def last_change(self, obj):
        """Who changed the record last, and when: its Recorded fields, else its latest history record."""
        if getattr(obj, "updated_at", None) is not None:
            return obj.updated_by, obj.updated_at
        record = obj.history.first() if hasattr(obj, "history") else None
        return (record.history_user, record.history_date) if record else (None, None)

    def changed_by(self, obj) -> str:
        """ "by NAME at TIME": the record's last change, for messages."""
        who, when = self.last_change(obj)
        when = date_format(timezone.localtime(when), "j F Y, H:i:s") if when else "an unknown time"
        return f"by {who or 'someone'} at {when}"

    def get_fields(self, request, obj=None):
        # Without fieldsets, Django lists the form's fields: the hidden version is rendered apart.
        return [name for name in super().get_fields(request, obj) if name != VERSION_FIELD]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form_class
        attrs = {
            VERSION_FIELD: forms.CharField(widget=forms.HiddenInput, required=False),
            "model_admin": self,
            "__module__": __name__,
        }
        return type(form_class.__name__, (VersionCheckForm, form_class), attrs)

    def check_version(self, form) -> None:
        """Raise the "changed since you opened it" error when the posted version is not the saved one."""
        if form.instance.pk is None:
            return
        current = self.lock_record(form.instance.pk)
        seen = form.cleaned_data.get(VERSION_FIELD)
        if current is None or not seen:
            return  # deleted meanwhile (the save reports it), or posted by a client that sends no version
        version = self.record_version(current)
        if version == seen:
            return
        form.conflicts = self.conflicting_values(form, current)
        # Saving this form again now means "keep mine": it carries the version just read.
        data = form.data.copy()
        data[form.add_prefix(VERSION_FIELD)] = version
        form.data = data
        raise ValidationError(
            f"This record was changed {self.changed_by(current)} since you opened it. Nothing was saved. "
            "Their values and yours are listed below: save again to replace theirs with yours, or reload "
            "the page to start from theirs.",
            code="record_changed",
        )

    def conflicting_values(self, form, current) -> list[tuple[str, str, str]]:
        """(label, their saved value, your value) for each field where the two differ."""
        theirs = type(form)(instance=current)
        rows = []
        for name, field in form.fields.items():
            if name == VERSION_FIELD or field.disabled:
                continue
            initial, posted = theirs[name].initial, form[name].data
            if isinstance(initial, str) and isinstance(posted, str):
                changed = one_newline(initial).strip() != one_newline(posted).strip()
            else:
                changed = field.has_changed(initial, posted)
            if changed:
                label = str(field.label or name)
                rows.append((label, _display(field, theirs[name].value()), _display(field, form[name].value())))
        return rows


def _display(field, value) -> str:
    """A form value as the analyst knows it: choice labels and record names, not ids."""
    if value in (None, "", [], ()):
        return "–"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(obj) for obj in field.queryset.filter(pk__in=list(value))) or "–"
    if isinstance(field, forms.ModelChoiceField):
        return str(field.queryset.filter(pk=value).first() or value)
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, forms.ChoiceField):
        labels = {}
        for key, label in field.choices:
            if isinstance(label, (list, tuple)):
                labels.update({str(k): v for k, v in label})
            else:
                labels[str(key)] = label
        values = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(str(labels.get(str(v), v)) for v in values)
    return str(value)
