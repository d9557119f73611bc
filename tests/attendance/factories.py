"""Attendance records the way leaders make them (through the service), and people in a group for size tests."""
import datetime

from attendance import services
from attendance.models import Kind
from tests.factories import AssignmentFactory


def kind(code):
    return Kind.objects.get(code=code)


def record(by, person, day, code="late", note=""):
    return services.record_attendance(by=by, person=person, day=day, kind=kind(code), note=note)


def group_members(post, count):
    """`count` people holding `post` (a member post of a group) since the start of the year."""
    return [AssignmentFactory(post=post, start=datetime.date(2026, 1, 1)).user for _ in range(count)]
