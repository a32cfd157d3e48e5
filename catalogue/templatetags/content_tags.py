"""What a page's sources leave out, said once: display only, reading prefetched relations, no queries."""

from django import template

register = template.Library()


@register.simple_tag
def unstated(obj, *specs):
    """The labels of the fields of `obj` that hold nothing, in the order given.

    `{% unstated study "countries:country" "sample_description|sample_size:sample" as missing %}`: each spec
    is "field:label", or "field|other:label" when the label is missing only if every field is empty. A related
    manager counts as empty when it has no rows (use it on prefetched relations only). False and 0 are values.
    A page then says "Not given by our sources: …" in one line instead of a row of "Not stated".
    """
    missing = []
    for spec in specs:
        names, _, label = spec.partition(":")
        if all(_is_empty(getattr(obj, name)) for name in names.split("|")):
            missing.append(label)
    return missing


def _is_empty(value) -> bool:
    if hasattr(value, "all"):
        return not value.all()
    return value is None or value == ""
