"""Every change to a case. Each locks the case, checks the hop it was asked about, writes a CaseEvent,
grants who may see the case, and writes the notifications in the same transaction (sent after commit)."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm

from roles import selectors as roles_selectors
from roles.models import Department, Post
from shopteam.errors import ServiceError, checked_text
from shopteam.notifications.services import Phrase, mark_read_about, notify
from shopteam.people import display_name, moment_text
from shopteam.workcalendar.calc import calendar_for

from . import selectors, signals
from .models import Case, CaseEvent

VIEW = "escalation.view_case"

# What each notification says: event -> (title, body), rendered by notify() in the shop's language.
MESSAGES = {
    "case.assigned": (
        gettext_lazy("Case #%(id)s needs you: %(title)s"),
        gettext_lazy("%(why)s\nYou are the contact for %(post)s; deadline %(deadline)s.\n\n%(description)s"),
    ),
    "case.left_you": (
        gettext_lazy("Case #%(id)s is no longer with you: %(title)s"),
        gettext_lazy("%(why)s\nIt is now with %(to)s."),
    ),
    "case.moved": (
        gettext_lazy("Your case #%(id)s moved on: %(title)s"),
        gettext_lazy("%(why)s\nIt is now with %(to)s."),
    ),
    "case.to_admins": (
        gettext_lazy("Case #%(id)s has nobody to go to: %(title)s"),
        gettext_lazy("%(why)s\nEvery post in its chain, the shop manager's included, is vacant. Assign someone "
                     "in the admin, then send the case again from the admin's case list.\n\n%(description)s"),
    ),
    "case.accepted": (
        gettext_lazy("Case #%(id)s was accepted: %(title)s"),
        gettext_lazy("%(name)s is working on it.%(note)s"),
    ),
    "case.commented": (gettext_lazy("New comment on case #%(id)s: %(title)s"), gettext_lazy("%(name)s: %(note)s")),
    "case.info_requested": (
        gettext_lazy("Case #%(id)s: more information needed"),
        gettext_lazy("%(name)s asks: %(note)s\nThe clock stops until you answer on the case page."),
    ),
    "case.info_given": (
        gettext_lazy("Case #%(id)s: the reporter answered"),
        gettext_lazy("%(name)s: %(note)s"),
    ),
    "case.resolved": (
        gettext_lazy("Case #%(id)s was resolved: %(title)s"),
        gettext_lazy("%(name)s: %(note)s"),
    ),
    "case.overdue": (gettext_lazy("Case #%(id)s is overdue: %(title)s"), gettext_lazy("%(note)s")),
    "case.deadline_near": (
        gettext_lazy("Case #%(id)s: deadline at %(deadline)s"),
        gettext_lazy("Accept, resolve or pass it on before then, or it moves on by itself."),
    ),
}
# Notifications that ask someone to act on a case: read once the case has left them.
NEEDS_YOU = ["case.assigned", "case.deadline_near", "case.to_admins"]

SHOPTEAM = gettext_lazy("Shopteam")


def _tell(users, event, case, **params):
    title, body = MESSAGES[event]
    notify(
        users,
        title=title,
        body=body,
        params={"id": case.pk, "title": case.title, **params},
        url=case.get_absolute_url(),
        event=event,
    )


def _names(users):
    return "、".join(display_name(u) for u in users)


def _who(user):
    return display_name(user) if user is not None else SHOPTEAM


def build_chain(*, post=None, difficulty=None):
    """The contact chain: one entry per step, {"department", "post" (its leader post, None if it has none),
    "minutes"}. The shop manager's step is always the last, even if an admin's edit lost it."""
    default = settings.ESCALATION_DEFAULT_STEP_MINUTES
    manager = roles_selectors.manager_post()
    if difficulty is not None:
        steps = list(difficulty.steps.order_by("order"))
        leaders = {p.department_id: p.pk for p in Post.objects.filter(
            department__in=[s.department_id for s in steps], is_leader=True)}
        chain = [
            {"department": s.department_id, "post": leaders.get(s.department_id), "minutes": s.deadline_minutes}
            for s in steps
        ]
    else:
        chain = []
        boss = post.reports_to if post is not None else None
        if boss is not None and (manager is None or boss.pk != manager.pk):
            chain.append({"department": boss.department_id, "post": boss.pk, "minutes": default})
    if manager is not None and not any(entry["post"] == manager.pk for entry in chain):
        chain.append({"department": manager.department_id, "post": manager.pk, "minutes": default})
    return chain


def _locked(case, hop):
    """Re-read the case under a row lock; refuse a decision taken on a state that has since moved."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if hop is not None and locked.hop != hop:
        raise ServiceError(_("This case has moved on since you opened it; reload the page and look again."))
    return locked


def _calendar(case, post=None):
    """The calendar a case's clock runs in at `post` (default: where it is now): the working hours of that
    post's department, or clock time for an urgent difficulty."""
    post = post if post is not None else case.current_post
    return calendar_for(post.department if post else None, urgent=case.urgent)


def _stop_clock(case, now):
    if case.clock_started_at is not None:
        case.clock_minutes += _calendar(case).working_minutes_between(case.clock_started_at, now)
        case.clock_started_at = None
    return case.clock_minutes


def _hand_to(case, users):
    """The case now waits for `users`: they are its contacts and may see it from now on."""
    case.contacts.set(users)
    for user in users:
        assign_perm(VIEW, user, case)


def _skip(case, *, index, post, actor, note, kind=CaseEvent.Kind.SKIPPED):
    CaseEvent.objects.create(case=case, kind=kind, actor=actor, to_post=post, step=index, note=note)


def _route(case, *, now, start, actor, why, previous=()):
    """Send the case to the first step from `start` on that has someone to take it, skipping (and writing
    why) a step whose department has no leader post, the raiser's own post, and a vacant post.

    With nobody left in the chain the case goes to the admins. `why` says how the case came (a Phrase);
    `previous` are the people it was with, who are told it left them. Saves the case, writes the events
    and the notifications.
    """
    case.hop += 1
    case.handler = None
    case.clock_minutes = 0
    case.clock_started_at = now
    case.with_admins = False
    case.status = Case.Status.WAITING
    posts = Post.objects.select_related("department").in_bulk([e["post"] for e in case.chain if e.get("post")])
    for index in range(start, len(case.chain)):
        entry = case.chain[index]
        post = posts.get(entry.get("post"))
        if post is None:
            _skip(case, index=index, post=None, actor=actor, note=_(
                "%(department)s has no leader post, so nobody could be contacted there.")
                % {"department": _department_name(entry)})
            continue
        holders = roles_selectors.holders(post)
        if not post.is_manager_post and (post.pk == case.post_id or (holders and set(holders) <= {case.reporter})):
            _skip(case, index=index, post=post, actor=actor, note=_(
                "%(post)s is where the case was raised: it goes to the next contact instead.") % {"post": post})
            continue
        if not holders:
            _skip(case, index=index, post=post, actor=actor, kind=CaseEvent.Kind.SKIPPED_VACANT,
                  note=_("Nobody holds %(post)s today.") % {"post": post})
            continue
        case.step = index
        case.current_post = post
        case.deadline = _calendar(case, post).add_working_minutes(now, entry["minutes"])
        case.reached_manager = case.reached_manager or post.is_manager_post
        case.save()
        _hand_to(case, holders)
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.ROUTED, actor=actor, to_post=post, to_people=_names(holders), step=index
        )
        _moved(case, previous=previous, why=why, to=f"{post}（{_names(holders)}）")
        _tell(holders, "case.assigned", case, why=why, post=post, deadline=moment_text(case.deadline),
              description=case.description)
        return case
    admins = list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    case.step = max(len(case.chain) - 1, 0)
    case.current_post = None
    case.with_admins = True
    case.reached_manager = True
    case.deadline = None
    case.save()
    _hand_to(case, admins)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.TO_ADMINS, actor=actor, to_people=_names(admins), step=case.step,
        note=_("Every contact, the shop manager included, is vacant."),
    )
    _moved(case, previous=previous, why=why, to=gettext_lazy("the admins"))
    _tell(admins, "case.to_admins", case, why=why, description=case.description)
    return case


def _department_name(entry):
    department = Department.objects.filter(pk=entry.get("department")).first()
    return department or _("A department")


def _moved(case, *, previous, why, to):
    """Tell the people the case left, and its reporter, where it went and why; their "needs you" is over."""
    previous = [user for user in previous if user is not None]
    if previous:
        mark_read_about(previous, url=case.get_absolute_url(), events=NEEDS_YOU)
        _tell(previous, "case.left_you", case, why=why, to=to)
    if case.reporter is not None and case.hop > 1 and case.reporter not in previous:
        _tell([case.reporter], "case.moved", case, why=why, to=to)


def _end_step(case, *, kind, actor, now, note):
    """Close the current step's clock and write the event that says how it ended."""
    minutes = _stop_clock(case, now)
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, from_post=case.current_post, step=case.step,
        working_minutes=minutes, note=note,
    )


def _require_contact(case, user):
    if not selectors.is_current_contact(case, user):
        raise ServiceError(_("Only the people this case is with can do that."))


def _text(text, *, required, limit=Case.TEXT_MAX):
    return checked_text(text, limit=limit, required=required)


def _require_open(case):
    if not case.is_open:
        raise ServiceError(_("This case is resolved; its reporter can reopen it."))


def _default_title(difficulty, description):
    first_line = description.splitlines()[0][:40]
    return f"{difficulty}: {first_line}" if difficulty else first_line


# The same person submitting the same case again within this long (Back and submit) gets the first one back.
RESUBMIT_WINDOW = timedelta(minutes=30)


def _raised_just_now(*, by, post, difficulty, title, description, subject, now):
    return (Case.objects.filter(reporter=by, post=post, difficulty=difficulty, title=title, description=description,
                                created_at__gte=now - RESUBMIT_WINDOW)
            .filter(subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
                    subject_id=str(subject.pk) if subject is not None else "")
            .order_by("pk").first())


def raise_case(*, by=None, source="", post=None, difficulty=None, description, title="", subject=None, key=""):
    """Raise a case: by a person (`by`, from a post they hold) or by Shopteam itself (`source`, e.g.
    "tasks.overdue", no person). `subject` is the object the case is about; `key` makes raising
    idempotent: a second call with the same key (a double-submitted form, a job run twice) returns the
    first case and changes nothing. A person's form (`by` and a `key`) that raises what the same person raised
    within RESUBMIT_WINDOW (same post, difficulty, title and description) returns that case too: Back
    restores the filled-in form with a new key, and submitting it again is the same case, not a second one.
    """
    if (by is None) == (not source):
        raise ValueError("raise_case() takes either a person (by) or a source, not both or neither")
    full_key = f"{source or f'user-{by.pk}'}:{key}" if key else ""
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


def _raise_case(*, by, source, post, difficulty, description, title, subject, key):
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


@transaction.atomic
def accept_case(case, *, by, hop=None, note=""):
    """Take the case on. A note written with it is kept on the accept. A case waiting for the reporter's
    answer can be accepted too: it stays waiting, and the answer brings it back to the one who accepted."""
    note = _text(note, required=None)
    case = _locked(case, hop)
    _require_open(case)
    if case.handler_id:
        raise ServiceError(_("%(name)s has already accepted this case.") % {"name": display_name(case.handler)})
    _require_contact(case, by)
    if case.status == Case.Status.WAITING:
        case.status = Case.Status.IN_PROGRESS
    case.handler = by
    case.save(update_fields=["status", "handler"])
    others = [user for user in case.contacts.all() if user != by]
    case.contacts.set([by])
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ACCEPTED, actor=by, from_post=case.current_post,
                             step=case.step, note=note)
    mark_read_about(others, url=case.get_absolute_url(), events=NEEDS_YOU)
    _tell([case.reporter], "case.accepted", case, name=display_name(by), note=f"\n{note}" if note else "")
    return case


@transaction.atomic
def comment_on_case(case, *, by, note):
    note = _text(note, required=_("A comment cannot be empty."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not selectors.can_see(case, by):
        raise ServiceError(_("Only the people involved in this case can comment on it."))
    event = CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.COMMENTED, actor=by, step=case.step, note=note)
    others = {case.reporter, *case.contacts.all()} - {by, None}
    _tell(others, "case.commented", case, name=display_name(by), note=note)
    return event


@transaction.atomic
def ask_reporter(case, *, by, question, hop=None):
    question = _text(question, required=_("Write what you need to know."))
    case = _locked(case, hop)
    _require_open(case)
    _require_contact(case, by)
    if case.reporter is None:
        raise ServiceError(_("Shopteam raised this case: there is no reporter to ask. Comment, pass it on or "
                             "resolve it."))
    if case.status == Case.Status.NEEDS_INFO:
        raise ServiceError(_("The reporter has already been asked; wait for the answer."))
    _stop_clock(case, timezone.now())
    case.status = Case.Status.NEEDS_INFO
    case.deadline = None
    case.save()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.INFO_REQUESTED, actor=by, step=case.step, note=question)
    _tell([case.reporter], "case.info_requested", case, name=display_name(by), note=question)
    return case


@transaction.atomic
def answer_reporter_question(case, *, by, answer):
    answer = _text(answer, required=_("Write your answer."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.reporter_id is None or by.pk != case.reporter_id:
        raise ServiceError(_("Only the reporter can answer."))
    if case.status != Case.Status.NEEDS_INFO:
        raise ServiceError(_("Nobody is waiting for an answer on this case."))
    now = timezone.now()
    case.status = Case.Status.IN_PROGRESS if case.handler_id else Case.Status.WAITING
    case.clock_started_at = now
    remaining = max((case.step_minutes or 0) - case.clock_minutes, 0)
    case.deadline = _calendar(case).add_working_minutes(now, remaining) if case.step_minutes is not None else None
    case.save()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.INFO_GIVEN, actor=by, step=case.step, note=answer)
    _tell(case.contacts.all(), "case.info_given", case, name=display_name(by), note=answer)
    return case


@transaction.atomic
def pass_on(case, *, by, reason, hop=None):
    reason = _text(reason, required=_("Say why you pass the case on."))
    case = _locked(case, hop)
    _require_open(case)
    _require_contact(case, by)
    if case.at_last_step or case.with_admins:
        raise ServiceError(_("The shop manager is the last step: this case cannot be passed on further."))
    now = timezone.now()
    previous = list(case.contacts.all())
    _end_step(case, kind=CaseEvent.Kind.PASSED_ON, actor=by, now=now, note=reason)
    why = Phrase(gettext_lazy("%(name)s (%(post)s) passed it on: %(reason)s"),
                 name=display_name(by), post=case.current_post, reason=reason)
    return _route(case, now=now, start=case.step + 1, actor=by, why=why, previous=previous)


@transaction.atomic
def resolve_case(case, *, by, resolution, hop=None):
    resolution = _text(resolution, required=_("Write how it was solved."))
    case = _locked(case, hop)
    _require_open(case)
    _require_contact(case, by)
    now = timezone.now()
    _end_step(case, kind=CaseEvent.Kind.RESOLVED, actor=by, now=now, note=resolution)
    total = sum(
        CaseEvent.objects.filter(case=case, kind__in=CaseEvent.STEP_ENDS, working_minutes__isnull=False)
        .values_list("working_minutes", flat=True)
    )
    case.status = Case.Status.RESOLVED
    case.handler = by
    case.resolution = resolution
    case.resolved_at = now
    case.resolved_step = case.step
    case.working_minutes = total
    case.deadline = None
    case.hop += 1
    case.save()
    others = [user for user in case.contacts.all() if user != by]
    case.contacts.clear()
    mark_read_about([*others, by], url=case.get_absolute_url(), events=NEEDS_YOU)
    _tell([case.reporter], "case.resolved", case, name=display_name(by), note=resolution)
    signals.case_resolved.send(sender=Case, case=case, by=by)
    return case


@transaction.atomic
def reopen_case(case, *, by, reason):
    """The reporter says it is not solved; a case Shopteam raised is reopened by the shop manager."""
    reason = _text(reason, required=_("Say why the case is not solved."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    allowed = by.pk == case.reporter_id if case.reporter_id else roles_selectors.is_shop_manager(by)
    if not allowed:
        raise ServiceError(_("Only the reporter can reopen a case."))
    if case.is_open:
        raise ServiceError(_("This case is still open."))
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REOPENED, actor=by, step=case.step, note=reason)
    start = case.resolved_step if case.resolved_step is not None else case.step
    case.resolved_at = None
    case.resolution = ""
    case.resolved_step = None
    case.working_minutes = None
    why = Phrase(gettext_lazy("%(name)s reopened it: %(reason)s"), name=display_name(by), reason=reason)
    return _route(case, now=timezone.now(), start=start, actor=by, why=why)


def follow_post_holders(*, posts=None):
    """Open cases follow who holds their post today: when the holders changed (a new person, a second
    holder, an assignment ended), the case goes to today's holders, with an event and a notification, and
    the people who no longer hold the post lose it. A post left vacant passes the case on to the next step.

    `posts` limits the work to cases at those posts (None: every open case). Safe to run twice or at the
    same time: each case is re-read under a lock and changes only if its contacts are not today's holders.
    Returns the cases that moved.
    """
    waiting = Case.objects.filter(status__in=Case.OPEN, with_admins=False, current_post__isnull=False)
    if posts is not None:
        waiting = waiting.filter(current_post__in=[p.pk for p in posts])
    moved = []
    for pk in list(waiting.values_list("pk", flat=True)):
        with transaction.atomic():
            case = Case.objects.select_for_update(skip_locked=True).filter(pk=pk, status__in=Case.OPEN).first()
            if case is not None and _follow_holders(case):
                moved.append(case)
    return moved


def _follow_holders(case):
    holders = roles_selectors.holders(case.current_post)
    contacts = list(case.contacts.all())
    if case.handler_id and case.handler in holders:
        return False  # the person working on it still holds the post: it stays theirs
    if set(contacts) == set(holders) and not case.handler_id:
        return False
    now = timezone.now()
    post = case.current_post
    why = Phrase(gettext_lazy("Who holds %(post)s changed."), post=post)
    if not holders:
        _end_step(case, kind=CaseEvent.Kind.POST_VACATED, actor=None, now=now,
                  note=_("Nobody holds %(post)s any more.") % {"post": post})
        if case.at_last_step:
            return _route(case, now=now, start=len(case.chain), actor=None, why=why, previous=contacts)
        return _route(case, now=now, start=case.step + 1, actor=None, why=why, previous=contacts)
    case.hop += 1
    case.handler = None
    if case.status == Case.Status.IN_PROGRESS:
        case.status = Case.Status.WAITING
    case.save()
    _hand_to(case, holders)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.HOLDERS_CHANGED, to_post=post, to_people=_names(holders), step=case.step,
        note=_("%(post)s is now held by %(people)s.") % {"post": post, "people": _names(holders)},
    )
    left = [user for user in contacts if user not in holders]
    if left:
        mark_read_about(left, url=case.get_absolute_url(), events=NEEDS_YOU)
        _tell(left, "case.left_you", case, why=why, to=f"{post}（{_names(holders)}）")
    _tell([user for user in holders if user not in contacts], "case.assigned", case, why=why, post=post,
          deadline=moment_text(case.deadline), description=case.description)
    return True


@transaction.atomic
def send_again(case, *, by):
    """An admin's correction: send an open case again to its current step (after an admin assigned someone
    to a post it skipped, or to bring a case that went to the admins back into the chain)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_admin(by)
    _require_open(case)
    start = 0 if case.with_admins else case.step
    previous = list(case.contacts.all())
    note = _("%(name)s sent the case again to its current step.") % {"name": display_name(by)}
    _end_step(case, kind=CaseEvent.Kind.CORRECTED, actor=by, now=timezone.now(), note=note)
    why = Phrase(gettext_lazy("%(name)s (an admin) sent it again."), name=display_name(by))
    return _route(case, now=timezone.now(), start=start, actor=by, why=why, previous=previous)


@transaction.atomic
def move_on_by_admin(case, *, by):
    """An admin's correction: move an open case to its next step, as if its deadline had passed."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_admin(by)
    _require_open(case)
    if case.at_last_step or case.with_admins:
        raise ServiceError(_("Case #%(id)s is at its last step: it cannot move on.") % {"id": case.pk})
    previous = list(case.contacts.all())
    now = timezone.now()
    note = _("%(name)s (an admin) moved the case on.") % {"name": display_name(by)}
    _end_step(case, kind=CaseEvent.Kind.CORRECTED, actor=by, now=now, note=note)
    why = Phrase(gettext_lazy("%(name)s (an admin) moved it on."), name=display_name(by))
    return _route(case, now=now, start=case.step + 1, actor=by, why=why, previous=previous)


def _require_admin(user):
    if not (user.is_superuser or user.has_perm("escalation.change_case")):
        raise ServiceError(_("Only an admin can correct a case."))


def move_on_overdue_case(case_id, *, now=None):
    """Move one case whose deadline has passed to its next step, writing which deadline failed.

    At the last step the case stays with the shop manager (overdue on the dashboard) and the breach is
    written once. Returns None when another run got there first or nothing is due.
    """
    now = now or timezone.now()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(skip_locked=True)
            .filter(pk=case_id, deadline__lte=now, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS])
            .exclude(breached_hop=F("hop"))
            .first()
        )
        if case is None:
            return None
        note = _("The deadline of %(deadline)s for %(post)s passed (%(minutes)s working minutes).") % {
            "deadline": moment_text(case.deadline),
            "post": case.current_post or _("the admins"),
            "minutes": case.step_minutes,
        }
        if case.at_last_step or case.with_admins:
            case.breached_hop = case.hop
            case.save(update_fields=["breached_hop"])
            CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.DEADLINE_PASSED, step=case.step,
                                     from_post=case.current_post, note=note)
            _tell(case.contacts.all(), "case.overdue", case, note=note)
            return case
        previous = list(case.contacts.all())
        _end_step(case, kind=CaseEvent.Kind.DEADLINE_PASSED, actor=None, now=now, note=note)
        why = Phrase(gettext_lazy("The deadline of %(deadline)s at %(post)s passed."),
                     deadline=moment_text(case.deadline), post=case.current_post)
        return _route(case, now=now, start=case.step + 1, actor=None, why=why, previous=previous)


def move_on_overdue_cases(*, now=None):
    now = now or timezone.now()
    due = (
        Case.objects.filter(deadline__lte=now, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS])
        .exclude(breached_hop=F("hop"))
        .values_list("pk", flat=True)
    )
    return [case for case in (move_on_overdue_case(pk, now=now) for pk in list(due)) if case is not None]


def warn_before_deadlines(*, now=None):
    """Tell the contacts once per hop that a deadline is near; a claim on warned_hop makes it once only.

    A deadline is near when it falls within ESCALATION_WARN_WORKING_MINUTES of now in the calendar the case's
    clock runs in: its department's hours, or clock time for an urgent case.
    """
    now = now or timezone.now()
    lead = settings.ESCALATION_WARN_WORKING_MINUTES
    near = selectors.deadline_within(now, lead)
    due = (
        Case.objects.filter(near, deadline__gt=now, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS])
        .exclude(warned_hop=F("hop"))
        .values_list("pk", "hop")
    )
    warned = []
    for pk, hop in list(due):
        with transaction.atomic():
            if not Case.objects.filter(pk=pk, hop=hop).exclude(warned_hop=hop).update(warned_hop=hop):
                continue  # another run claimed it, or the case moved on meanwhile
            case = Case.objects.get(pk=pk)
            deadline = moment_text(case.deadline)
            CaseEvent.objects.create(
                case=case, kind=CaseEvent.Kind.WARNED, step=case.step, from_post=case.current_post,
                note=_("Deadline at %(deadline)s is less than %(minutes)s working minutes away.")
                % {"deadline": deadline, "minutes": lead},
            )
            _tell(case.contacts.all(), "case.deadline_near", case, deadline=deadline)
            warned.append(case)
    return warned
