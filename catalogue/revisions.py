"""A published programme's pending revision: what it stores, how it applies, and what it would change.

While a programme is published, its admin form saves a PendingRevision instead of the programme
row (catalogue.workflow.save_revision), and publishing applies it (catalogue.workflow.publish).
These helpers read and compare; they write nothing.
"""

from .models import PendingRevision, Programme

# Programme fields a revision never carries: the workflow owns them, or nobody edits them.
NOT_REVISED = {"id", "status", "published_on", "created_at", "updated_at", "created_by", "updated_by"}


def revision_data(*, programme: Programme, m2m: dict) -> dict:
    """The JSON a PendingRevision stores: `programme`'s unsaved field values and the chosen M2M ids."""
    fields = {
        field.name: one_newline(field.value_from_object(programme))
        for field in Programme._meta.concrete_fields
        if field.editable and field.name not in NOT_REVISED
    }
    return {"fields": fields, "m2m": PendingRevision.m2m_keys(m2m)}


def apply_revision(programme: Programme, revision: PendingRevision) -> tuple[list[str], dict]:
    """Copy a revision's values onto `programme` in memory (no save).

    Returns the attribute names it carries (for `save(update_fields=...)`) and the M2M ids to set.
    A text that differs only in its line endings is left as it is, so publishing does not rewrite it.
    """
    attnames = []
    for name, value in revision.field_values().items():
        attname = Programme._meta.get_field(name).attname
        attnames.append(attname)
        if one_newline(value) != one_newline(getattr(programme, attname)):
            setattr(programme, attname, one_newline(value))
    return attnames, revision.m2m_ids()


def revision_changes(revision: PendingRevision) -> list[tuple[str, str, str]]:
    """What a revision would change, for the publisher: (field label, live value, pending value)."""
    live = Programme.objects.get(pk=revision.programme_id)
    pending = Programme.objects.get(pk=revision.programme_id)
    _, pending_m2m = apply_revision(pending, revision)
    changes = []
    for name in revision.data.get("fields", {}):
        field = Programme._meta.get_field(name)
        before, after = field.value_from_object(live), field.value_from_object(pending)
        if one_newline(before) != one_newline(after):
            display = f"get_{name}_display"
            if field.choices:
                before, after = getattr(live, display)(), getattr(pending, display)()
            changes.append((str(field.verbose_name), _text(before), _text(after)))
    for name, ids in pending_m2m.items():
        related = getattr(live, name)
        current = sorted(related.values_list("pk", flat=True))
        if current != ids:
            model = related.model
            names = dict(model.objects.filter(pk__in=[*current, *ids]).values_list("pk", "name"))
            changes.append(
                (
                    str(Programme._meta.get_field(name).verbose_name),
                    ", ".join(names[pk] for pk in current) or "–",
                    ", ".join(names[pk] for pk in ids) or "–",
                )
            )
    return changes


def one_newline(value):
    """Text with "\n" line endings: browsers post "\r\n", so an untouched textarea would look edited."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _text(value) -> str:
    if value is None or value == "":
        return "–"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)
