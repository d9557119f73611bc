"""The daily stand-up: written once a day (every version kept), and its blockers raised as a case."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from escalation.models import Case
from escalation.services import raise_case
from roles.models import Post
from shopteam.errors import ServiceError

from ..models import Standup
from .history import checked
from .owners import main_post


def write_standup(*, by: User, yesterday: str, today: str, blockers: str,
                  day: datetime.date | None = None) -> Standup:
    """Write or rewrite `by`'s stand-up for today: yesterday's progress, today's plan, what blocks them. Every
    version is kept (simple_history). Refuses an empty stand-up and any day but today."""
    now = timezone.now()
    day = day or timezone.localdate(now)
    errors: list[str] = []
    limit = Standup.TEXT_MAX
    yesterday = checked(yesterday, limit=limit, errors=errors)
    today = checked(today, limit=limit, errors=errors)
    blockers = checked(blockers, limit=limit, errors=errors)
    if not (yesterday or today):
        errors.append(_("Write what got done yesterday or what you plan today."))
    if day != timezone.localdate(now):
        errors.append(_("A stand-up is written on its own day; earlier ones are kept as they were."))
    if errors:
        raise ServiceError(errors)
    fields = {"yesterday": yesterday, "today": today, "blockers": blockers}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                standup = Standup.objects.select_for_update().filter(person=by, date=day).first()
                if standup is None:
                    return Standup.objects.create(person=by, date=day, created_at=now, updated_at=now, **fields)
                if all(getattr(standup, name) == value for name, value in fields.items()):
                    return standup
                for name, value in fields.items():
                    setattr(standup, name, value)
                standup.updated_at = now
                standup.save()
                return standup
        except IntegrityError:
            continue  # the same person saved twice at once: the other one created it; update it now
    raise ServiceError(_("Your stand-up was being saved twice at once; save it again."))


def raise_blocker(standup: Standup, *, by: User, post: Post | None = None) -> Case:
    """Raise a stand-up's blockers as a case, from a post its author holds: it travels the playbook's chain like
    any case (the post's leader, then the shop manager) and links back to the stand-up. Once per stand-up."""
    if standup.person_id != by.pk:
        raise ServiceError(_("Only whoever wrote the stand-up can raise its blockers."))
    if not standup.blockers.strip():
        raise ServiceError(_("This stand-up names no blocker."))
    post = post or main_post(by)
    if post is None:
        raise ServiceError(_("You hold no post, so you cannot raise a case. Ask an admin to assign you."))
    first_line = standup.blockers.strip().splitlines()[0]
    with translation.override(settings.LANGUAGE_CODE):
        title = Truncator(_("Stand-up blocker: %(text)s") % {"text": first_line}).chars(120)
    return raise_case(by=by, post=post, description=standup.blockers, title=title, subject=standup,
                      key=f"standup-{standup.pk}")
