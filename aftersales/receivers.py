"""What the after-sales desk does when another app tells it something: only calls its own services."""
from escalation.signals import case_resolved

from . import services
from .models import Complaint


def take_decision_about_complaint(sender, *, case, by=None, **kwargs):
    if isinstance(case.subject, Complaint):
        services.take_case_decision(case.subject, case=case, by=by)


def connect():
    case_resolved.connect(take_decision_about_complaint, dispatch_uid="aftersales.take_decision_about_complaint")
