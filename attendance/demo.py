"""Demo data for the attendance pages, made through the services: a week of the demo team's late arrivals, early
leaves and approved leaves, recorded by their leaders (the leaders' own by the shop manager), one of them corrected.
Safe to run again: a record already there is left alone."""
import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Correction, Kind, Record

# (person, recorded by, days ago, kind, note)
WEEK = [
    ("kefu_a", "kefu_lead", 6, "late", "早班迟到 15 分钟"),
    ("kefu_a", "kefu_lead", 3, "leave", "事假半天（已批准）"),
    ("photo_a", "visual_lead", 5, "early", "部门会议提前离开"),
    ("photo_a", "visual_lead", 1, "late", "周会迟到"),
    ("kefu_lead", "manager", 4, "leave", "病假（已批准）"),
    ("product_lead", "manager", 2, "late", "主管委员会会议迟到"),
    ("marketing_lead", "manager", 6, "early", "提前离开去见推广服务商"),
]


def load_demo():
    people = {u.username: u for u in get_user_model().objects.filter(
        username__in={name for row in WEEK for name in row[:2]})}
    if "manager" not in people:
        return "the demo team is missing"
    services.ensure_kinds()
    kinds = {kind.code: kind for kind in Kind.objects.all()}
    today = timezone.localdate()
    made = 0
    for person, by, days_ago, code, note in WEEK:
        if person not in people or by not in people:
            continue
        day = today - datetime.timedelta(days=days_ago)
        if Record.objects.filter(person=people[person], day=day, kind=kinds[code]).exists():
            continue
        services.record_attendance(by=people[by], person=people[person], day=day, kind=kinds[code], note=note)
        made += 1
    late = Record.objects.filter(person=people.get("photo_a"), kind__code="late", voided_at__isnull=True).first()
    if late is not None and not Correction.objects.filter(record=late).exists():
        services.correct_record(late, by=people["visual_lead"], note="周会迟到 10 分钟",
                                reason="补充迟到时长")
    return f"{made} attendance record(s) added"
