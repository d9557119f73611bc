"""The desk's records are read in the admin (they change only through the desk); its settings are edited here."""
from django.contrib import admin

from shopteam.admin import OneRowSettingsAdmin, ReadOnlyAdmin

from .models import AfterSalesSettings, Complaint, Event, FollowUp, ReturnRequest, Review


@admin.register(AfterSalesSettings)
class AfterSalesSettingsAdmin(OneRowSettingsAdmin):
    list_display = ["__str__", "counts_neutral_reviews", "follow_up_after_days", "follow_up_window_days"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["pk", "order", "status", "recorded_by", "handled_by", "created_at", "closed_at"]
    list_filter = ["status"]
    search_fields = ["order__order_id", "order__buyer_nick"]
    list_select_related = ["order", "recorded_by", "handled_by"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["pk", "order", "rating", "left_on", "outcome", "withdrawn_by"]
    list_filter = ["rating", "outcome"]
    search_fields = ["order__order_id", "order__buyer_nick"]
    list_select_related = ["order", "withdrawn_by"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["pk", "order", "kind", "answer", "by", "at"]
    list_filter = ["kind", "answer"]
    list_select_related = ["order", "by"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "order", "kind", "status", "amount", "checked_by", "handed_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["order", "checked_by"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "by", "at", "complaint", "review", "follow_up", "return_request"]
    list_filter = ["kind"]
    list_select_related = ["by", "complaint__order", "review__order", "follow_up__order", "return_request__order"]
