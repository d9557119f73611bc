"""Raising a case: by a person from a post they hold, or by Shopteam itself; once per key."""
from __future__ import annotations

import datetime
from datetime import timedelta

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm

from roles import selectors as roles_selectors
from roles.models import Difficulty, Post
from shopteam.errors import ServiceError
from shopteam.notifications.services import Phrase
from shopteam.people import display_name

from ..chains import build_chain
from ..models import Case, CaseEvent
from .checks import _text
from .routing import VIEW, _route


def _default_title(difficulty: Difficulty | None, description: str) -> str:
    first_line = description.splitlines()[0][:40]
    return f"{difficulty}: {first_line}" if difficulty else first_line


# The same person submitting the same case again within this long (Back and submit) gets the first one back.
RESUBMIT_WINDOW = timedelta(minutes=30)


def _raised_just_now(*, by: User, post: Post, difficulty: Difficulty | None, title: str, description: str,
                     subject: models.Model | None, now: datetime.datetime) -> Case | None:
    return (Case.objects.filter(reporter=by, post=post, difficulty=difficulty, title=title, description=description,
                                created_at__gte=now - RESUBMIT_WINDOW)
            .filter(subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
                    subject_id=str(subject.pk) if subject is not None else "")
            .order_by("pk").first())


def raise_case(*, by: User | None = None, source: str = "", post: Post | None = None,
               difficulty: Difficulty | None = None, description: str, title: str = "",
               subject: models.Model | None = None, key: str = "") -> Case:
    """Raise a case: by a person (`by`, from a post they hold) or by Shopteam itself (`source`, e.g.
    "tasks.overdue", no person). `subject` is the object the case is about; `key` makes raising
    idempotent: a second call with the same key (a double-submitted form, a job run twice) returns the
    first case and changes nothing. A person's form (`by` and a `key`) that raises what the same person raised
    within RESUBMIT_WINDOW (same post, difficulty, title and description) returns that case too: Back
    restores the filled-in form with a new key, and submitting it again is the same case, not a second one.
    """
    if (by is None) == (not source):
        raise ValueError("raise_case() takes either a person (by) or a source, not both or neither")
    raiser = source or (f"user-{by.pk}" if by is not None else "")
    full_key = f"{raiser}:{key}" if key else ""
    if full_key and (existing := Case.objects.filter(key=full_key).first()):
        return existing
    try:
        with transaction.atomic():
            return _raise_case(by=by, source=source, post=post, difficulty=difficulty, description=description,
                               title=title, subject=subject, key=full_key)
    except IntegrityError:
        # The same form or job at the same moment: the other request made the case.
        if full_key and (existing := Case.objects.filter(key=full_key).first()):
            return existing
        raise


def _raise_case(*, by: User | None, source: str, post: Post | None, difficulty: Difficulty | None, description: str,
                title: str, subject: models.Model | None, key: str) -> Case:
    description = _text(description, required=_("Write what happened, so the contact knows what to do."),
                        limit=Case.DESCRIPTION_MAX)
    if post is None and difficulty is not None:
        post = difficulty.post
    if post is None:
        raise ServiceError(_("Say which post the case is raised for."))
    if by is not None and not roles_selectors.holds(by, post):
        raise ServiceError(_("You can raise a case only for a post you hold."))
    if difficulty is not None and difficulty.post.department_id != post.department_id:
        raise ServiceError(_("That difficulty belongs to another group."))
    chain = build_chain(post=post, difficulty=difficulty)
    if not chain:
        raise ServiceError(_("There is no one to send this case to: the org chart has no shop manager post."))
    title = (title or "").strip()
    if len(title) > 120:
        raise ServiceError(_("Keep the title under 120 characters."))
    now = timezone.now()
    title = title or _default_title(difficulty, description)
    if by is not None and key and (again := _raised_just_now(by=by, post=post, difficulty=difficulty, title=title,
                                                            description=description, subject=subject, now=now)):
        return again
    case = Case.objects.create(
        reporter=by,
        source=source,
        post=post,
        department_id=post.department_id,
        difficulty=difficulty,
        urgent=bool(difficulty and difficulty.urgent),
        title=title,
        description=description,
        chain=chain,
        key=key,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else "",
    )
    if by is not None:
        assign_perm(VIEW, by, case)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.RAISED, actor=by, from_post=post,
        note=description if by is not None else _("Raised by Shopteam (%(source)s).") % {"source": source}
        + "\n" + description,
    )
    why = (Phrase(gettext_lazy("%(name)s raised it."), name=display_name(by)) if by is not None
           else Phrase(gettext_lazy("Shopteam raised it (%(source)s)."), source=source))
    return _route(case, now=now, start=0, actor=by, why=why)
