"""Attendance forms: they check shape (a date, a choice); the services check the shop's rules."""
from django import forms
from django.utils.translation import gettext_lazy as _

from shopteam.people import display_name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class KindChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.points})"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RecordForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=None)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    kind = KindChoiceField(label=_("What happened"), queryset=None, widget=forms.RadioSelect, empty_label=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=200,
                           help_text=_("Optional: e.g. the meeting, or the leave's reason."))

    def __init__(self, *args, people, everyone, kinds, **kwargs):
        """The list offers `people` (whom the visitor may record for); any of `everyone` is accepted, so that the
        service, not the form, refuses someone outside the visitor's groups with the message saying why."""
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = everyone
        self.fields["person"].choices = [("", "---------"), *((p.pk, display_name(p)) for p in people)]
        self.fields["kind"].queryset = kinds


class CorrectForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    kind = KindChoiceField(label=_("What happened"), queryset=None, empty_label=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    reason = forms.CharField(label=_("Why it is corrected"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why it is voided"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
