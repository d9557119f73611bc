"""Forms for the stock pages: they check shape; inventory.services checks the shop's rules."""
from django import forms
from django.utils.translation import gettext_lazy as _

from shopteam import filters
from shopteam.money import MoneyField

from . import spreadsheets
from .models import InventorySettings, Product, StockMove, Supplier

# No count a person types is plausible above this (the shop's own, lower limit per move is checked by the
# services); it keeps an absurd number a form error instead of an overflow in the database.
MOST = InventorySettings.MOVE_LIMIT_MOST

MANUAL_KIND_CHOICES = [
    (StockMove.Kind.RECEIPT, _("Receipt (goods in from the supplier)")),
    (StockMove.Kind.SALE, _("Sale (goods out, not from an import)")),
    (StockMove.Kind.RETURN, _("Return (a customer sent goods back)")),
    (StockMove.Kind.ADJUSTMENT, _("Adjustment (found, broken, lost…)")),
]


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU (商家编码)"), max_length=64)
    name = forms.CharField(label=_("Product name"), max_length=200)
    supplier = forms.ModelChoiceField(queryset=Supplier.objects.all(), label=_("Supplier"), required=False,
                                      empty_label=_("食草堂 (the default)"))
    category = forms.CharField(label=_("Category"), max_length=50, required=False)
    shelf = forms.CharField(label=_("Shelf"), max_length=50, required=False)
    cost = MoneyField(label=_("Cost"), initial="0.00")
    price = MoneyField(label=_("Price"), initial="0.00")
    reorder_point = forms.IntegerField(label=_("Reorder point"), min_value=0, max_value=MOST, initial=0)
    reorder_quantity = forms.IntegerField(label=_("Reorder quantity"), min_value=0, max_value=MOST, initial=0)
    status = forms.ChoiceField(label=_("Listing status"), choices=Product.Status.choices,
                               initial=Product.Status.LISTED)


class NewProductForm(ProductForm):
    opening_stock = forms.IntegerField(label=_("Opening stock"), min_value=0, max_value=MOST, initial=0,
                                       required=False)


class MoveForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=MANUAL_KIND_CHOICES)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=-MOST, max_value=MOST,
        help_text=_("How many units. For an adjustment, + adds to stock and − takes out (e.g. -2)."),
    )
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("Delivery note, order number…"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == StockMove.Kind.SALE and (data.get("quantity") or 0) < 0:
            self.add_error("quantity", _("Enter the units that went out as a positive number. To correct a wrong "
                                         "sale, reverse it in the movement history, or record an adjustment with "
                                         "the reason."))
        return data

    def signed_quantity(self):
        """The quantity as the ledger holds it: a sale's units go out; every other kind is taken as typed, so a
        negative receipt or return is refused by the services, never turned round."""
        kind, quantity = self.cleaned_data["kind"], self.cleaned_data["quantity"]
        return -quantity if kind == StockMove.Kind.SALE else quantity


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is it reversed?"), max_length=500)


def _within_size_limit(uploaded):
    """Refuse a file over SHOPTEAM_UPLOAD_MAX_MB before anything is stored."""
    try:
        spreadsheets.check_size(uploaded.size, name=uploaded.name)
    except spreadsheets.TableRefused as refusal:
        raise forms.ValidationError(refusal.message, code="too_large") from None
    return uploaded


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("Excel (.xlsx) or CSV."))

    def clean_file(self):
        return _within_size_limit(self.cleaned_data["file"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (an order report and its line report together)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.xlsx,.xls,.txt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class TaobaoUploadForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Added here, not declared on the class: a class attribute `files` would stand for the form's uploaded
        # files (BaseForm.files), which the field only shares its name with.
        self.fields["files"] = MultipleFileField(
            label=_("Export files"),
            help_text=_("订单报表, 宝贝报表 or 退款报表 as the seller centre exported them (CSV or .xlsx); "
                        "several at once."),
        )

    def clean_files(self):
        return [_within_size_limit(uploaded) for uploaded in self.cleaned_data["files"]]


class ReceiveForm(forms.Form):
    """The units that arrived, one field per line of a sent restock request (`received-<product id>`), filled in
    with what was asked; a field left empty means none came."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"received-{line.product_id}"] = forms.IntegerField(
                label=_("Received of %(sku)s") % {"sku": line.product.sku}, min_value=0, required=False,
                initial=line.quantity)

    def received(self):
        return {line.product_id: self.cleaned_data[f"received-{line.product_id}"] or 0 for line in self.lines}


class EditQuantitiesForm(forms.Form):
    """What a draft asks for, one field per line (`quantity-<product id>`), filled in with the line's quantity.
    The fields take text: the service checks it and says what is wrong (alerts.edit_restock_quantities)."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"quantity-{line.product_id}"] = forms.CharField(
                label=_("Quantity of %(sku)s") % {"sku": line.product.sku}, required=False, max_length=20,
                initial=line.quantity)

        self.faulty = set()

    def quantities(self):
        return {line.product_id: self.cleaned_data[f"quantity-{line.product_id}"] for line in self.lines}

    def show(self, error):
        """The service's refusal above the table; the fields of the lines it names (“SKU: …”) marked."""
        for message in error.messages:
            self.add_error(None, message)
            self.faulty |= {f"quantity-{line.product_id}" for line in self.lines
                            if str(message).startswith((f"{line.product.sku}:", f"{line.product.sku}："))}


class StartStocktakeForm(forms.Form):
    scope = forms.ChoiceField(label=_("Count"), choices=[
        ("all", _("All products")), ("category", _("A category")), ("shelf", _("A shelf"))])
    scope_value = forms.CharField(label=_("Category or shelf"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ProductFilters(filters.FilterForm):
    q = filters.Text(label=_("Search SKU or name"))
    status = filters.Choice(Product.Status.choices, label=_("Listing status"))
    supplier = filters.Id(label=_("Supplier"))
    category = filters.Text(max_length=50, label=_("Category"))
    low = filters.Flag(label=_("At or below reorder point"))


class StocktakeLineFilters(filters.FilterForm):
    q = filters.Text(max_length=50, label=_("SKU, name or shelf"))
    todo = filters.Flag(label=_("To count"))
