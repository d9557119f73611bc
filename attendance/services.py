"""Every change to attendance: record, correct, void. Each runs in one transaction, locks the person (so two
leaders recording the same day at once make one record), writes its history (simple-history on the record, a
Correction row with the old values) and tells the person, inside the transaction."""
import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopteam.errors import ServiceError, checked_text, text_problems
from shopteam.notifications.services import notify
from shopteam.people import display_name

from . import rules, seeds
from .models import Correction, Kind, Record

NOTE_LIMIT, REASON_LIMIT = 200, 2000

RECORDED = gettext_lazy("Attendance: %(kind)s on %(day)s (%(points)s points), recorded by %(by)s")
CORRECTED = gettext_lazy("Attendance corrected by %(by)s: %(old)s → %(new)s")
VOIDED = gettext_lazy("Attendance voided by %(by)s: %(kind)s on %(day)s")


def _day_problems(day: datetime.date | None) -> list[str]:
    if day is None:
        return [_("Give the day.")]
    if isinstance(day, datetime.datetime):
        raise TypeError("a record's day is a date, not a datetime")
    if day > timezone.localdate():
        return [_("%(day)s is in the future: record attendance on the day or after it.") % {"day": day}]
    return []


def _kind_problems(kind: Kind | None) -> list[str]:
    if kind is None:
        return [_("Choose what happened: late arrival, early leave or approved leave.")]
    if not kind.active:
        return [_("%(kind)s is no longer in use.") % {"kind": kind}]
    return []


def _duplicate(person: User, day: datetime.date, kind: Kind, *, besides: int | None = None) -> str:
    same = Record.objects.filter(person=person, day=day, kind=kind, voided_at__isnull=True)
    if besides is not None:
        same = same.exclude(pk=besides)
    first = same.select_related("recorded_by").first()
    if first is None:
        return ""
    return _("%(person)s already has %(kind)s on %(day)s (recorded by %(by)s): correct that record instead.") % {
        "person": display_name(person), "kind": kind, "day": day, "by": display_name(first.recorded_by)}


def _lock_person(person: User) -> None:
    User.objects.select_for_update().filter(pk=person.pk).first()


def _in_shop_language(kind: Kind) -> str:
    """A kind's name as the notification reads it: in the shop's language, not the actor's."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(kind)


def _summary(kind: Kind, day: datetime.date, points: int) -> str:
    return f"{_in_shop_language(kind)} {day:%Y-%m-%d} ({points})"


@transaction.atomic
def record_attendance(*, by: User, person: User | None, day: datetime.date | None,
                      kind: Kind | None, note: str = "") -> Record:
    """Record that `person` arrived late, left early or was on approved leave on `day`, with the kind's points
    now. Refused, changing nothing: a person `by` may not record for (not of a group they lead, or themselves), a
    day in the future, an inactive kind, the same kind already recorded for the person that day."""
    if person is None:
        raise ServiceError(_("Choose the person."))
    if not rules.may_record_for(by, person):
        if by.pk == person.pk:
            raise ServiceError(_("Your own attendance is recorded by your leader."))
        raise ServiceError(_("%(person)s is not in a group you lead: only their leader or the shop manager records "
                             "their attendance.") % {"person": display_name(person)})
    note, problems = text_problems(note, limit=NOTE_LIMIT, label=_("Note"))
    problems = _day_problems(day) + _kind_problems(kind) + problems
    if problems:
        raise ServiceError(problems)
    assert day is not None and kind is not None  # refused above when missing
    _lock_person(person)
    if duplicate := _duplicate(person, day, kind):
        raise ServiceError(duplicate)
    try:
        with transaction.atomic():
            record = Record.objects.create(person=person, day=day, kind=kind, points=kind.points, note=note,
                                           recorded_by=by)
    except IntegrityError:  # a writer that did not lock the person got there first
        raise ServiceError(_duplicate(person, day, kind) or _("This is already recorded for that day.")) from None
    notify([person], title=RECORDED, body=note, url=record.get_absolute_url(), event="attendance.recorded",
           params={"kind": _in_shop_language(kind), "day": f"{day:%Y-%m-%d}", "points": kind.points,
                   "by": display_name(by)})
    return record


def _locked_live(record: Record, by: User) -> Record:
    record = Record.objects.select_for_update().select_related("kind").get(pk=record.pk)
    if record.is_void:
        raise ServiceError(_("This record was voided on %(when)s: record it again instead.") % {
            "when": timezone.localtime(record.voided_at).strftime("%Y-%m-%d %H:%M")})
    if not rules.may_correct(record, by):
        raise ServiceError(_("Only who recorded it, their leader or the shop manager can change this record."))
    return record


@transaction.atomic
def correct_record(record: Record, *, by: User, reason: str, day: datetime.date | None = None,
                   kind: Kind | None = None, note: str | None = None) -> Record:
    """Change a live record's day, kind or note (a changed kind takes its points now), keeping the old values in
    a Correction with `reason`. Refused, changing nothing: no reason, nothing changed, a day in the future, an
    inactive kind, the same kind already recorded that day, someone who may not correct it."""
    _lock_person(record.person)
    record = _locked_live(record, by)
    reason, problems = text_problems(reason, limit=REASON_LIMIT, required=_("Say why the record is corrected."),
                                     label=_("Reason"))
    new_day = record.day if day is None else day
    new_kind = record.kind if kind is None else kind
    new_note = record.note if note is None else note
    new_note, note_problems = text_problems(new_note, limit=NOTE_LIMIT, label=_("Note"))
    problems += note_problems + _day_problems(new_day)
    if new_kind.pk != record.kind_id:
        problems += _kind_problems(new_kind)
    if problems:
        raise ServiceError(problems)
    if (new_day, new_kind.pk, new_note) == (record.day, record.kind_id, record.note):
        raise ServiceError(_("Nothing was changed: give the right day, kind or note."))
    if duplicate := _duplicate(record.person, new_day, new_kind, besides=record.pk):
        raise ServiceError(duplicate)
    new_points = record.points if new_kind.pk == record.kind_id else new_kind.points
    old = _summary(record.kind, record.day, record.points)
    Correction.objects.create(
        record=record, by=by, reason=reason,
        old_day=record.day, old_kind=record.kind, old_points=record.points, old_note=record.note,
        new_day=new_day, new_kind=new_kind, new_points=new_points, new_note=new_note,
    )
    record.day, record.kind, record.points, record.note = new_day, new_kind, new_points, new_note
    record._change_reason = reason  # type: ignore[attr-defined]  # simple-history keeps it on the history row
    record.save(update_fields=["day", "kind", "points", "note"])
    notify([record.person], title=CORRECTED, body=reason, url=record.get_absolute_url(),
           event="attendance.corrected",
           params={"by": display_name(by), "old": old, "new": _summary(new_kind, new_day, new_points)})
    return record


@transaction.atomic
def void_record(record: Record, *, by: User, reason: str) -> Record:
    """Void a live record with `reason` (it stays, struck through, and counts no more). Refused without a reason,
    for a record already voided, and for someone who may not correct it."""
    record = _locked_live(record, by)
    reason = checked_text(reason, limit=REASON_LIMIT, required=_("Say why the record is voided."), label=_("Reason"))
    record.voided_at, record.voided_by, record.void_reason = timezone.now(), by, reason
    record._change_reason = reason  # type: ignore[attr-defined]
    record.save(update_fields=["voided_at", "voided_by", "void_reason"])
    notify([record.person], title=VOIDED, body=reason, url=record.get_absolute_url(), event="attendance.voided",
           params={"by": display_name(by), "kind": _in_shop_language(record.kind), "day": f"{record.day:%Y-%m-%d}"})
    return record


@transaction.atomic
def ensure_kinds() -> int:
    """Document 002's kinds that are missing (e.g. after a test database was flushed); never overwrites an
    admin's edit. Returns how many were created."""
    made = 0
    for order, (code, name, name_en, short, short_en, counts_as, points) in enumerate(seeds.KINDS):
        _kind, created = Kind.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "short": short, "short_en": short_en, "counts_as": counts_as,
            "points": points, "order": order})
        made += created
    return made
