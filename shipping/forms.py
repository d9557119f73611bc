"""The desk's forms: they check the shape of what was typed; shipping.services checks the rules."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PackingProblem, ProblemParcel, StoreroomIncident

CARRIERS = ["中通快递", "圆通速递", "韵达快递", "申通快递", "顺丰速运", "邮政EMS", "极兔速递"]


class FindOrderForm(forms.Form):
    order = forms.CharField(label=_("Order number"), max_length=40)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=50,
                              widget=forms.TextInput(attrs={"list": "carriers", "autocomplete": "off"}))
    waybill = forms.CharField(label=_("Waybill number (运单号)"), max_length=60,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))


class PackingProblemForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is wrong"), choices=PackingProblem.Kind.choices)
    note = forms.CharField(label=_("What you found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectPackingProblemForm(PackingProblemForm):
    reason = forms.CharField(label=_("Why it is corrected"), max_length=500)


class ProblemParcelForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=ProblemParcel.Kind.choices)
    what_done = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    what_done = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectKindForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=ProblemParcel.Kind.choices)
    reason = forms.CharField(label=_("Why it is corrected"), max_length=500)


class CorrectShipmentForm(ShipForm):
    reason = forms.CharField(label=_("Why it is corrected"), max_length=500)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StoreroomIncident.Kind.choices)
    happened_on = forms.DateField(label=_("Happened on"), initial=timezone.localdate,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    what_happened = forms.CharField(label=_("What happened"), max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 3}))


class CorrectIncidentForm(IncidentForm):
    reason = forms.CharField(label=_("Why it is corrected"), max_length=500)


class StocktakeLossForm(forms.Form):
    """Confirming a stocktake loss (a note, optional) or dismissing it (the reason, which the service requires)."""

    note = forms.CharField(label=_("Note or reason"), max_length=1000, required=False)
