"""Template helpers for the org chart tree."""
from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    return mapping.get(key, [])


@register.filter
def localized(obj, field):
    return obj.localized(field)
