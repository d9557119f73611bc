"""Finance forms: they check the shape of what was typed; the services check the rules."""
from django import forms
from django.utils.translation import gettext_lazy as _

from shopteam.money import MoneyField

from .models import Category, LedgerEntry


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    category = forms.ModelChoiceField(queryset=Category.objects.none(), label=_("Category"))
    direction = forms.ChoiceField(
        label=_("In or out"), choices=[("", _("As the category says")), *LedgerEntry.Direction.choices],
        required=False,
    )
    amount = MoneyField(label=_("Amount (CNY)"))
    counterparty = forms.CharField(label=_("Counterparty"), max_length=100, required=False)
    reference = forms.CharField(
        label=_("Reference"), max_length=100, required=False,
        help_text=_("An order, transfer or invoice number, so the entry can be found again."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                             required=False)


SMALL_SELECT = {"class": "form-select form-select-sm"}


class LedgerFilterForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    category = forms.ModelChoiceField(queryset=Category.objects.all(), label=_("Category"), required=False,
                                      empty_label=_("Every category"), widget=forms.Select(attrs=SMALL_SELECT))
    direction = forms.ChoiceField(label=_("In or out"), required=False, widget=forms.Select(attrs=SMALL_SELECT),
                                  choices=[("", _("Both")), *LedgerEntry.Direction.choices])
    source = forms.ChoiceField(label=_("Source"), required=False, widget=forms.Select(attrs=SMALL_SELECT),
                               choices=[("", _("Any source")), *LedgerEntry.Source.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def filters(self):
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        found = {key: data[key] for key in ("since", "until", "direction", "source", "q") if data.get(key)}
        if data.get("category"):
            found["category"] = data["category"].pk
        return found


class PromotionRequestForm(forms.Form):
    channel = forms.ModelChoiceField(queryset=Category.objects.none(), label=_("Channel"))
    amount = MoneyField(label=_("Amount (CNY)"))
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())
    purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False,
        help_text=_("What it promotes and what you expect from it (sales, traffic), so finance can judge it."),
    )
    # One submitted form makes at most one request: a double click or Back-and-submit carries the same key.
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, channels, **kwargs):
        import uuid

        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)


class DecisionForm(forms.Form):
    """Approve all or part of what was asked, refuse, or send on; an override reason when approving takes the
    month's promotion budget below zero."""
    reason = forms.CharField(label=_("Reason (needed to refuse or to send on)"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    amount = MoneyField(label=_("Approve (CNY)"), required=False,
                        help_text=_("At most what was asked; approve less to stay within the budget."))
    override_reason = forms.CharField(
        label=_("Why go over the budget"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when this approval takes the month's promotion budget below zero; marketing, "
                    "finance and the shop manager are told."),
    )


class PaymentForm(forms.Form):
    date = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class TargetForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    amount = MoneyField(label=_("Sales target (CNY)"))


class SentForm(forms.Form):
    on = forms.DateField(label=_("Sent on"), widget=DateInput())
    how = forms.CharField(label=_("How"), max_length=100, required=False,
                          widget=forms.TextInput(attrs={"placeholder": _("e-mail, WeChat, on paper…")}))


class SettlementForm(forms.Form):
    amount = MoneyField(label=_("Settlement amount (CNY)"))
    date = forms.DateField(label=_("Settled on"), widget=DateInput())
    reason = forms.CharField(label=_("Why it differs from the cost total"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class InvoiceForm(forms.Form):
    number = forms.CharField(label=_("Invoice number"), max_length=50)
    date = forms.DateField(label=_("Invoice date"), widget=DateInput())
    amount = MoneyField(label=_("Invoice amount (CNY)"))
