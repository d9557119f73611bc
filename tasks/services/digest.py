"""The morning digest: one notification a working day per person, never two."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shopteam.notifications.services import notify
from shopteam.people import display_name, moment_text

from .. import selectors
from ..models import DigestSent
from .calendars import _Calendars


def send_morning_digests(*, now: datetime.datetime | None = None) -> int:
    """The 08:30 job: one notification per person who works today in their department's calendar, with what is
    due today, what is overdue and yesterday's stand-up gaps. A DigestSent row is claimed before sending, in the
    same transaction, so a person never gets two on one day (a second run, or two workers at once). Returns how
    many were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendars = _Calendars()
    sent = 0
    for person, post in selectors.people_at_work(today):
        if not calendars(post.department).is_working_day(today):
            continue  # a holiday or a day off for their department: no digest
        with transaction.atomic():
            try:
                with transaction.atomic():
                    DigestSent.objects.create(person=person, date=today, sent_at=now)
            except IntegrityError:
                continue  # already sent today, or being sent by another worker
            title, body = digest_for(person, now=now, calendars=calendars)
            notify([person], title=title, body=body, url=reverse("tasks:mine"), event="tasks.digest")
            sent += 1
    return sent


def digest_for(person: User, *, now: datetime.datetime | None = None,
               calendars: _Calendars | None = None) -> tuple[str, str]:
    """The title and text of `person`'s morning digest, in the shop's language."""
    now = now or timezone.now()
    calendars = calendars or _Calendars()
    content = selectors.digest_content(person, now=now, calendars=calendars)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Today: %(due)s due, %(overdue)s overdue") % {
            "due": content["due_count"], "overdue": content["overdue_count"]}
        lines = []
        for key, count_key, heading in (
            ("due_today", "due_count", _("Due today (%(count)s):")),
            ("overdue", "overdue_count", _("Overdue (%(count)s):")),
        ):
            if not content[count_key]:
                continue
            lines.append(heading % {"count": content[count_key]})
            for task in content[key]:
                lines.append(f"· {task.title}（{moment_text(task.due)}）")
            if content[count_key] > len(content[key]):
                lines.append(_("· and %(count)s more") % {"count": content[count_key] - len(content[key])})
        if not lines:
            lines.append(_("Nothing is due today and nothing is overdue."))
        if content["missed_own"]:
            lines.append(_("You did not write a stand-up on %(day)s.") % {"day": content["previous_day"]})
        if content["gaps"]:
            lines.append(_("No stand-up on their last working day: %(names)s.") % {
                "names": "、".join(f"{display_name(p)}（{day:%m-%d}）" for p, day in content["gaps"])})
        lines.append(_("Write today's stand-up: %(link)s") % {
            "link": settings.SITE_URL.rstrip("/") + reverse("tasks:standup")})
    return title, "\n".join(lines)
