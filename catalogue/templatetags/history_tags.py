"""The admin History page (django-simple-history), see templates/simple_history/object_history.html."""

from django import template

register = template.Library()


@register.simple_tag
def blank_missing_change_reasons(page_obj):
    """Give each listed record without a change reason an empty one, so the page does not print "None".

    The library's list template has no block around that cell; blanking the value on the records
    it is about to list avoids copying the whole template. Renders nothing.
    """
    for record in page_obj:
        if record.history_change_reason is None:
            record.history_change_reason = ""
    return ""
