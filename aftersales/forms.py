"""Forms for the after-sales desk: they check shape; aftersales.services checks the shop's rules."""
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shopteam import filters, money
from shopteam.money import MoneyField

from .models import FollowUp, ReturnRequest, Review


def textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class ComplaintForm(forms.Form):
    order_id = forms.CharField(label=_("Order number"), max_length=30)
    wants = forms.CharField(label=_("What the buyer wants"), widget=textarea(), max_length=2000)
    key = forms.CharField(widget=forms.HiddenInput, required=False, initial=lambda: uuid.uuid4().hex)


class ActionForm(forms.Form):
    done = forms.CharField(label=_("What was done"), widget=textarea(), max_length=2000)


class EscalateForm(forms.Form):
    claim = forms.CharField(label=_("What the buyer claims beyond the rules"), widget=textarea(), max_length=2000)


class ReviewForm(forms.Form):
    order_id = forms.CharField(label=_("Order number"), max_length=30)
    rating = forms.ChoiceField(label=_("Rating"), choices=Review.Rating.choices)
    left_on = forms.DateField(label=_("Left on"), initial=timezone.localdate,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    text = forms.CharField(label=_("What the buyer wrote"), widget=textarea(), max_length=2000, required=False)

    def __init__(self, *args, counts_neutral=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not counts_neutral:
            self.fields["rating"].choices = [(Review.Rating.NEGATIVE, Review.Rating.NEGATIVE.label)]


class ContactForm(forms.Form):
    note = forms.CharField(label=_("What was said"), widget=textarea(2), max_length=2000)


class CloseReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[
        (o.value, o.label) for o in (Review.Outcome.WITHDRAWN, Review.Outcome.CHANGED, Review.Outcome.KEPT)])
    note = forms.CharField(label=_("Note"), widget=textarea(2), max_length=2000, required=False)


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(choices=FollowUp.Kind.choices, widget=forms.HiddenInput)
    answer = forms.ChoiceField(label=_("Buyer's answer"), choices=FollowUp.Answer.choices)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class ReturnForm(forms.Form):
    order_id = forms.CharField(label=_("Order number"), max_length=30)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReturnRequest.Kind.choices)
    reason = forms.CharField(label=_("Reason"), widget=textarea(), max_length=2000)


class CheckReturnForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Result"), coerce=lambda v: v == "yes", choices=[
        ("yes", _("accepted: hand to finance")), ("no", _("refused"))])
    amount = MoneyField(label=_("Amount for finance"), required=False)
    note = forms.CharField(label=_("What the check found"), widget=textarea(2), max_length=2000)

    def clean_amount(self):
        value = self.cleaned_data.get("amount")
        if not value:
            return None
        try:
            return money.parse(value)
        except money.NotMoney:
            raise forms.ValidationError(_("Enter the amount as a number, e.g. 39.00.")) from None


class CorrectionForm(forms.Form):
    field = forms.CharField(max_length=30)
    value = forms.CharField(label=_("Corrected value"), widget=textarea(2), max_length=2000, required=False)
    reason = forms.CharField(label=_("Why"), max_length=1000)


class BuyerSearch(filters.FilterForm):
    q = filters.Text(label=_("Buyer (买家会员名) or order number"))
