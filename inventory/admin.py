"""Suppliers and products in the admin (products through the services, so a new one files its work and an
edit keeps history); the ledger and its checks read-only: a move is never edited or deleted, only reversed."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from shopteam.admin import OneRowSettingsAdmin, ReadOnlyAdmin, ReadOnlyInline
from shopteam.errors import ServiceError
from shopteam.money import MoneyField

from . import selectors, services
from .models import (
    DriftCheck,
    InventorySettings,
    LowStockAlert,
    Product,
    RestockLine,
    RestockRequest,
    StockMove,
    Stocktake,
    StocktakeLine,
    Supplier,
    TaobaoImport,
    TaobaoOrder,
    TaobaoOrderLine,
    TaobaoRefund,
)


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ["name", "contact", "phone"]
    search_fields = ["name", "contact", "phone"]

    def has_delete_permission(self, request, obj=None):
        return False


class ProductAdminForm(forms.ModelForm):
    cost = MoneyField(label=Product._meta.get_field("cost").verbose_name)
    price = MoneyField(label=Product._meta.get_field("price").verbose_name)

    class Meta:
        model = Product
        fields = services.PRODUCT_FIELDS + ["allow_negative"]

    def clean(self):
        data = super().clean()
        fields = {name: data.get(name) for name in services.PRODUCT_FIELDS if name in data}
        try:
            clean = services.clean_product_fields(fields, instance=self.instance if self.instance.pk else None)
        except ServiceError as error:
            raise ValidationError(error.messages) from None
        data.update({name: clean[name] for name in ("cost", "price") if name in clean})
        return data


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    form = ProductAdminForm
    list_display = ["sku", "name", "supplier", "on_hand", "reorder_point", "reorder_quantity", "status",
                    "allow_negative"]
    list_filter = ["status", "supplier", "allow_negative", "category"]
    search_fields = ["sku", "name"]
    list_select_related = ["supplier"]
    readonly_fields = ["on_hand"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and selectors.can_change_stock(request.user)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and selectors.can_change_stock(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a product with history is discontinued, never deleted

    def get_readonly_fields(self, request, obj=None):
        # Only an admin lets a product's stock go below zero.
        return self.readonly_fields + ([] if request.user.is_superuser else ["allow_negative"])

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.PRODUCT_FIELDS if name in form.cleaned_data}
        allow = form.cleaned_data.get("allow_negative") if "allow_negative" in form.cleaned_data else None
        if change:
            saved = services.update_product(obj, by=request.user, allow_negative=allow, **fields)
        else:
            saved = services.create_product(by=request.user, **fields)
            if allow:
                saved = services.update_product(saved, by=request.user, allow_negative=True)
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(InventorySettings)
class InventorySettingsAdmin(OneRowSettingsAdmin):
    """One row: the most units one move a person records may hold."""

    list_display = ["__str__", "move_limit"]


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = ["moved_at", "product", "kind", "quantity", "by", "reference", "reason"]
    list_filter = ["kind"]
    search_fields = ["product__sku", "product__name", "reference", "reason"]
    list_select_related = ["product", "by"]
    date_hierarchy = "moved_at"
    raw_id_fields = ["product", "reverses"]


@admin.register(DriftCheck)
class DriftCheckAdmin(ReadOnlyAdmin):
    list_display = ["day", "checked_at", "products_checked", "ok"]


@admin.register(TaobaoImport)
class TaobaoImportAdmin(ReadOnlyAdmin):
    list_display = ["pk", "filename", "kind", "status", "rows_total", "problem_count", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["filename", "sha256"]
    list_select_related = ["created_by"]
    exclude = ["problems"]


class TaobaoOrderLineInline(ReadOnlyInline):
    model = TaobaoOrderLine
    fields = ["sub_order_id", "sku", "title", "quantity", "paid_amount", "status", "refund_status", "refund_amount",
              "target", "sold"]


@admin.register(TaobaoOrder)
class TaobaoOrderAdmin(ReadOnlyAdmin):
    list_display = ["order_id", "status", "paid_amount", "paid_at", "sold"]
    list_filter = ["sold", "status"]
    search_fields = ["order_id"]
    inlines = [TaobaoOrderLineInline]


@admin.register(TaobaoRefund)
class TaobaoRefundAdmin(ReadOnlyAdmin):
    list_display = ["refund_id", "order_id", "status", "amount", "finished_at"]
    list_filter = ["status"]
    search_fields = ["refund_id", "order_id"]
    raw_id_fields = ["line"]


class StocktakeLineInline(ReadOnlyInline):
    model = StocktakeLine
    fields = ["product", "expected_at_count", "counted", "counted_by", "counted_at", "move"]


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyAdmin):
    list_display = ["pk", "scope", "scope_value", "status", "started_by", "started_at", "closed_at"]
    list_filter = ["status", "scope"]
    inlines = [StocktakeLineInline]


@admin.register(LowStockAlert)
class LowStockAlertAdmin(ReadOnlyAdmin):
    list_display = ["product", "opened_at", "on_hand_at_open", "reorder_point_at_open", "closed_at"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["product__sku", "product__name"]
    list_select_related = ["product"]


class RestockLineInline(ReadOnlyInline):
    model = RestockLine
    fields = ["product", "quantity", "on_hand", "reorder_point", "sold_30_days", "reason"]


@admin.register(RestockRequest)
class RestockRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "supplier", "status", "created_at", "sent_at", "closed_at"]
    list_filter = ["status", "supplier"]
    inlines = [RestockLineInline]
