"""The shipping desk's records in the admin: read-only (every change goes through shipping.services), with history;
the desk's settings (the stocktake loss threshold) are edited here, with history."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from shopteam.admin import OneRowSettingsAdmin, ReadOnlyAdmin

from .models import (
    PackingProblem,
    Parcel,
    PickList,
    ProblemParcel,
    ShippingSettings,
    StocktakeLossDecision,
    StoreroomIncident,
)


@admin.register(ShippingSettings)
class ShippingSettingsAdmin(OneRowSettingsAdmin):
    list_display = ["__str__", "stocktake_loss_value", "stocktake_loss_units"]


class ReadOnly(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only, with each record's history."""


@admin.register(Parcel)
class ParcelAdmin(ReadOnly):
    list_display = ["order", "picked_by", "picked_at", "shipped_by", "shipped_at", "carrier", "waybill"]
    search_fields = ["order__order_id", "waybill"]
    list_select_related = ["order", "picked_by", "shipped_by"]


@admin.register(PickList)
class PickListAdmin(ReadOnly):
    list_display = ["day", "picked_by", "picked_at"]
    list_select_related = ["picked_by"]


@admin.register(PackingProblem)
class PackingProblemAdmin(ReadOnly):
    list_display = ["order", "kind", "recorded_by", "recorded_at", "case"]
    list_select_related = ["order", "recorded_by", "case"]


@admin.register(ProblemParcel)
class ProblemParcelAdmin(ReadOnly):
    list_display = ["order", "kind", "recorded_by", "recorded_at", "closed_at"]
    list_filter = ["kind"]
    list_select_related = ["order", "recorded_by"]


@admin.register(StoreroomIncident)
class StoreroomIncidentAdmin(ReadOnly):
    list_display = ["happened_on", "kind", "recorded_by"]
    list_filter = ["kind"]
    list_select_related = ["recorded_by"]


@admin.register(StocktakeLossDecision)
class StocktakeLossDecisionAdmin(ReadOnly):
    list_display = ["stocktake", "decision", "lost_units", "lost_value", "decided_by", "decided_at", "incident"]
    list_filter = ["decision"]
    list_select_related = ["stocktake", "decided_by", "incident"]
