"""What finance does when another app tells it something: only calls its own services."""
from django.contrib.contenttypes.models import ContentType

from escalation.signals import case_resolved

from . import services
from .models import PromotionRequest


def note_case_decision(sender, *, case, by, **kwargs):
    if case.subject_type_id == ContentType.objects.get_for_model(PromotionRequest).pk:
        services.note_case_decision(case, by=by)


def connect():
    case_resolved.connect(note_case_decision, dispatch_uid="finance.note_case_decision")
