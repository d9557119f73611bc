"""Template helpers for task pages: the owner as people read it, and badges for priority and due."""
from django import template
from django.utils.translation import gettext as _

from tasks.labels import owner_text
from tasks.models import Task

register = template.Library()

PRIORITY_CLASSES = {"urgent": "text-bg-danger", "high": "text-bg-warning", "normal": "text-bg-light border",
                    "low": "text-bg-light border text-body-secondary"}


@register.filter
def owner(task):
    return owner_text(task)


@register.filter
def priority_class(task):
    return PRIORITY_CLASSES.get(task.priority, "text-bg-light")


@register.filter
def overdue(task, now):
    return task.is_overdue(now)


@register.filter
def event_value(event, which):
    """An event's before or after value as people read it: a status or priority by its label."""
    value = getattr(event, which)
    if event.field == "status" and value in Task.Status.values:
        return Task.Status(value).label
    if event.field == "priority" and value in Task.Priority.values:
        return Task.Priority(value).label
    return value


@register.filter
def field_label(event):
    labels = {"title": _("title"), "detail": _("detail"), "priority": _("priority"), "due": _("due"),
              "owner": _("owner"), "status": _("status")}
    return labels.get(event.field, event.field)


@register.simple_tag
def sort_link(current, field):
    """The sort a column header links to: ascending, or descending when already sorted ascending by it."""
    return f"-{field}" if current == field else field


@register.filter
def get(mapping, key):
    return mapping.get(key)
