"""Who may use the attendance pages (README "Attendance", attendance.rules): everyone signed in sees their own
month; a leader records for the people of the groups they lead, the shop manager (and the admins) for everyone, and
they see those people's months and records. The record walked is kefu_a's, made by kefu_lead: it is seen by kefu_a,
kefu_lead and the shop manager (a 404 to everyone else), and corrected or voided by kefu_lead and the shop manager,
never by kefu_a. The format: tests/access.py."""
import datetime

from tests.access import LEADERS, MANAGER, SIGNED_IN, Rule, group, leader

KEEPERS = LEADERS | MANAGER  # attendance.rules.keeps_attendance
SEES_KEFU_A = group("customer-service") | MANAGER  # kefu_a, their leader, the shop manager
RECORDS_FOR_KEFU_A = leader("customer-service") | MANAGER  # attendance.rules.may_record_for
CORRECTS = leader("customer-service") | MANAGER  # who made it (kefu_lead), the shop manager
RECORD = {"pk": "attendance_record"}


def _days_ago(days):
    from django.utils import timezone

    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def objects(team, made):
    """kefu_a's late arrival two days ago, recorded by their leader."""
    from attendance.services import ensure_kinds
    from tests.attendance.factories import record

    ensure_kinds()
    day = datetime.date.fromisoformat(_days_ago(2))
    return {"attendee": team["kefu_a"], "attendance_record": record(team["kefu_lead"], team["kefu_a"], day)}


def _kind(code):
    from attendance.models import Kind

    return Kind.objects.get(code=code).pk


RULES = {
    "attendance:mine": (Rule(get=SIGNED_IN), Rule(get=SIGNED_IN, query="month=2026-01")),
    "attendance:person": Rule(get=SEES_KEFU_A, args={"pk": "attendee"}),
    "attendance:sheet": (Rule(get=KEEPERS), Rule(get=KEEPERS, query="export=xlsx")),
    "attendance:record_new": (
        Rule(get=KEEPERS, post=KEEPERS),
        # Recording for kefu_a: their leader and the shop manager; the other leaders are answered and refused.
        Rule(get=KEEPERS, post=RECORDS_FOR_KEFU_A, refused=KEEPERS - RECORDS_FOR_KEFU_A, writes=True, data={
            "person": lambda made: made["attendee"].pk, "day": lambda made: _days_ago(3),
            "kind": lambda made: _kind("early"), "note": "提前走了"}),
    ),
    "attendance:record_detail": Rule(get=SEES_KEFU_A, args=RECORD),
    "attendance:record_correct": Rule(get=SIGNED_IN, post=CORRECTS, args=RECORD, writes=True, data={
        "day": lambda made: made["attendance_record"].day.isoformat(), "kind": lambda made: _kind("early"),
        "note": "", "reason": "记错了"}),
    "attendance:record_void": Rule(get=SIGNED_IN, post=CORRECTS, args=RECORD, writes=True,
                                   data={"reason": "请过假"}),
}
