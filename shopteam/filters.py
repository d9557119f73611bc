"""The one way a list page reads its filters from the query string: a form per page (a subclass of FilterForm),
bound to request.GET. Each value is checked by its field (a NUL byte, an overlong text, a bad date or number, an
unknown choice); a bad one is left out of the filters and its problem shown next to the filter, never a 500.
A repeated parameter counts once (its last value, as QueryDict.get reads it)."""
import datetime

from django import forms
from django.utils import timezone

DB_INT_MAX = 2**31 - 1


class Flag(forms.Field):
    """A tick-box filter: `1` is on; anything else is off."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return value == "1"


class Id(forms.IntegerField):
    """The id of a row a filter names: a whole number the database can hold."""

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, max_value=DB_INT_MAX, **kwargs)


class Choice(forms.ChoiceField):
    def __init__(self, choices, **kwargs):
        super().__init__(required=False, choices=[("", ""), *choices], **kwargs)


class Text(forms.CharField):
    def __init__(self, max_length=100, **kwargs):
        super().__init__(required=False, max_length=max_length, **kwargs)


class Day(forms.DateField):
    """A day (YYYY-MM-DD); `aware` in the filters as the start of that day in the shop's time zone."""

    def __init__(self, *, aware=False, **kwargs):
        self.aware = aware
        super().__init__(required=False, input_formats=["%Y-%m-%d"], **kwargs)


class FilterForm(forms.Form):
    def __init__(self, query):
        super().__init__(query)

    def filters(self):
        """The filters of every valid, non-empty value (`False` flags left out)."""
        self.is_valid()
        found = {}
        for name, value in self.cleaned_data.items():
            if value is None or value is False or value == "":
                continue
            field = self.fields[name]
            if isinstance(field, Day) and field.aware:
                value = timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
            found[name] = value
        return found

    def problems(self):
        """(label, message) of each filter whose value was refused, for the page to show next to its filters."""
        return [(self.fields[name].label or name, message) for name, messages in self.errors.items()
                for message in messages]
