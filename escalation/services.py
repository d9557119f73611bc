"""Every change to a case. Each locks the case, checks the hop it was asked about, writes a CaseEvent,
grants who may see the case, and tells the people concerned after commit."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from roles import selectors as roles_selectors
from roles.models import Post
from shopteam.errors import ServiceError
from shopteam.notifications.services import notify
from shopteam.workcalendar.calc import add_working_minutes, working_minutes_between

from . import selectors
from .models import Case, CaseEvent

VIEW = "escalation.view_case"


def _names(users):
    return "、".join(u.get_full_name() or u.get_username() for u in users)


def _manager_post():
    return Post.objects.filter(department__is_manager_office=True, is_leader=True).first()


def build_chain(*, post, difficulty=None):
    """The contact posts, in order, with each one's deadline in working minutes."""
    default = settings.ESCALATION_DEFAULT_STEP_MINUTES
    if difficulty is not None:
        steps = list(difficulty.steps.select_related("department").order_by("order"))
        departments = [s.department for s in steps]
        leaders = {
            p.department_id: p for p in Post.objects.filter(department__in=departments, is_leader=True)
        }
        return [
            {"post": leaders[s.department_id].pk, "minutes": s.deadline_minutes}
            for s in steps
            if s.department_id in leaders
        ]
    manager = _manager_post()
    chain = []
    if post.reports_to_id and (manager is None or post.reports_to_id != manager.pk):
        chain.append({"post": post.reports_to_id, "minutes": default})
    if manager is not None:
        chain.append({"post": manager.pk, "minutes": default})
    return chain


def _locked(case, hop):
    """Re-read the case under a row lock; refuse a decision taken on a state that has since moved."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if hop is not None and locked.hop != hop:
        raise ServiceError(_("This case has moved on since you opened it; reload the page and look again."))
    return locked


def _stop_clock(case, now):
    if case.clock_started_at is not None:
        case.clock_minutes += working_minutes_between(case.clock_started_at, now)
        case.clock_started_at = None
    return case.clock_minutes


def _notify_after_commit(users, *, case, event, message):
    """Tell `users` once the change is committed. `message` returns (title, body); it is built in the shop's
    language, not in the language of whoever happened to trigger the change."""
    users = list(users)
    if not users:
        return

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            title, body = message()
            notify(users, title=title, body=body, url=case.get_absolute_url(), event=event)

    transaction.on_commit(send)


def _route(case, *, now, start, actor):
    """Send the case to the first step from `start` on whose post someone holds; skip vacant posts.

    With nobody left in the chain the case goes to the admins. Saves the case and writes the events.
    """
    case.hop += 1
    case.handler = None
    case.clock_minutes = 0
    case.clock_started_at = now
    case.with_admins = False
    case.status = Case.Status.WAITING
    posts = Post.objects.in_bulk([entry["post"] for entry in case.chain])
    for index in range(start, len(case.chain)):
        post = posts.get(case.chain[index]["post"])
        holders = roles_selectors.holders(post) if post else []
        if not holders:
            CaseEvent.objects.create(
                case=case, kind=CaseEvent.Kind.SKIPPED_VACANT, actor=actor, to_post=post, step=index,
                note=_("Nobody holds %(post)s today.") % {"post": post or "?"},
            )
            continue
        case.step = index
        case.current_post = post
        case.deadline = add_working_minutes(now, case.chain[index]["minutes"])
        case.reached_manager = case.reached_manager or post.department.is_manager_office
        case.save()
        case.contacts.set(holders)
        for user in holders:
            assign_perm(VIEW, user, case)
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.ROUTED, actor=actor, to_post=post, to_people=_names(holders), step=index
        )
        _notify_after_commit(
            holders,
            case=case,
            event="case.assigned",
            message=lambda post=post: (
                _("Case #%(id)s needs you: %(title)s") % {"id": case.pk, "title": case.title},
                _("%(reporter)s raised it; you are the contact for %(post)s. Deadline: %(deadline)s.")
                % {
                    "reporter": case.reporter.get_full_name() or case.reporter.get_username(),
                    "post": post,
                    "deadline": timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M"),
                },
            ),
        )
        return case
    admins = list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    case.step = max(len(case.chain) - 1, 0)
    case.current_post = None
    case.with_admins = True
    case.reached_manager = True
    case.deadline = None
    case.save()
    case.contacts.set(admins)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.TO_ADMINS, actor=actor, to_people=_names(admins), step=case.step,
        note=_("Every contact, the shop manager included, is vacant."),
    )
    _notify_after_commit(
        admins,
        case=case,
        event="case.to_admins",
        message=lambda: (
            _("Case #%(id)s has nobody to go to") % {"id": case.pk},
            _("Every post in its chain, the shop manager's included, is vacant. Assign someone in the admin."),
        ),
    )
    return case


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


def _required_text(text, message):
    """The trimmed text a person wrote, or a ServiceError with `message` when they wrote nothing."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(message)
    return text


def _require_open(case):
    if not case.is_open:
        raise ServiceError(_("This case is resolved; its reporter can reopen it."))


def _default_title(difficulty, description):
    first_line = description.splitlines()[0][:40]
    return f"{difficulty}: {first_line}" if difficulty else first_line


@transaction.atomic
def raise_case(*, by, post, description, difficulty=None, title=""):
    description = _required_text(description, _("Write what happened, so the contact knows what to do."))
    if not roles_selectors.holds(by, post):
        raise ServiceError(_("You can raise a case only for a post you hold."))
    if difficulty is not None and difficulty.post.department_id != post.department_id:
        raise ServiceError(_("That difficulty belongs to another group."))
    chain = build_chain(post=post, difficulty=difficulty)
    if not chain:
        raise ServiceError(_("There is no one to send this case to: the org chart has no shop manager post."))
    now = timezone.now()
    case = Case.objects.create(
        reporter=by,
        post=post,
        department_id=post.department_id,
        difficulty=difficulty,
        title=(title or "").strip()[:120] or _default_title(difficulty, description),
        description=description,
        chain=chain,
    )
    assign_perm(VIEW, by, case)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RAISED, actor=by, from_post=post, note=description)
    return _route(case, now=now, start=0, actor=by)


@transaction.atomic
def accept_case(case, *, by, hop=None):
    case = _locked(case, hop)
    _require_open(case)
    if case.status != Case.Status.WAITING and case.handler_id:
        holder = case.handler.get_full_name() or case.handler.get_username()
        raise ServiceError(_("%(name)s has already accepted this case.") % {"name": holder})
    _require_contact(case, by)
    case.status = Case.Status.IN_PROGRESS
    case.handler = by
    case.save(update_fields=["status", "handler"])
    case.contacts.set([by])
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ACCEPTED, actor=by, from_post=case.current_post,
                             step=case.step)
    _notify_after_commit(
        [case.reporter],
        case=case,
        event="case.accepted",
        message=lambda: (
            _("Case #%(id)s was accepted") % {"id": case.pk},
            _("%(name)s is working on it.") % {"name": by.get_full_name() or by.get_username()},
        ),
    )
    return case


@transaction.atomic
def comment_on_case(case, *, by, note):
    note = _required_text(note, _("A comment cannot be empty."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not by.has_perm(VIEW, case) and not selectors.sees_every_case(by):
        raise ServiceError(_("Only the people involved in this case can comment on it."))
    event = CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.COMMENTED, actor=by, step=case.step, note=note)
    others = {case.reporter, *case.contacts.all()} - {by}
    _notify_after_commit(
        others,
        case=case,
        event="case.commented",
        message=lambda: (
            _("New comment on case #%(id)s") % {"id": case.pk},
            note,
        ),
    )
    return event


@transaction.atomic
def ask_reporter(case, *, by, question, hop=None):
    question = _required_text(question, _("Write what you need to know."))
    case = _locked(case, hop)
    _require_open(case)
    _require_contact(case, by)
    if case.status == Case.Status.NEEDS_INFO:
        raise ServiceError(_("The reporter has already been asked; wait for the answer."))
    _stop_clock(case, timezone.now())
    case.status = Case.Status.NEEDS_INFO
    case.deadline = None
    case.save()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.INFO_REQUESTED, actor=by, step=case.step, note=question)
    _notify_after_commit(
        [case.reporter],
        case=case,
        event="case.info_requested",
        message=lambda: (
            _("Case #%(id)s: more information needed") % {"id": case.pk},
            question,
        ),
    )
    return case


@transaction.atomic
def answer_reporter_question(case, *, by, answer):
    answer = _required_text(answer, _("Write your answer."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if by.pk != case.reporter_id:
        raise ServiceError(_("Only the reporter can answer."))
    if case.status != Case.Status.NEEDS_INFO:
        raise ServiceError(_("Nobody is waiting for an answer on this case."))
    now = timezone.now()
    case.status = Case.Status.IN_PROGRESS if case.handler_id else Case.Status.WAITING
    case.clock_started_at = now
    remaining = max((case.step_minutes or 0) - case.clock_minutes, 0)
    case.deadline = add_working_minutes(now, remaining) if case.step_minutes is not None else None
    case.save()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.INFO_GIVEN, actor=by, step=case.step, note=answer)
    _notify_after_commit(
        case.contacts.all(),
        case=case,
        event="case.info_given",
        message=lambda: (
            _("Case #%(id)s: the reporter answered") % {"id": case.pk},
            answer,
        ),
    )
    return case


@transaction.atomic
def pass_on(case, *, by, reason, hop=None):
    reason = _required_text(reason, _("Say why you pass the case on."))
    case = _locked(case, hop)
    _require_open(case)
    _require_contact(case, by)
    if case.at_last_step or case.with_admins:
        raise ServiceError(_("The shop manager is the last step: this case cannot be passed on further."))
    now = timezone.now()
    _end_step(case, kind=CaseEvent.Kind.PASSED_ON, actor=by, now=now, note=reason)
    return _route(case, now=now, start=case.step + 1, actor=by)


@transaction.atomic
def resolve_case(case, *, by, resolution, hop=None):
    resolution = _required_text(resolution, _("Write how it was solved."))
    case = _locked(case, hop)
    _require_open(case)
    _require_contact(case, by)
    now = timezone.now()
    _end_step(case, kind=CaseEvent.Kind.RESOLVED, actor=by, now=now, note=resolution)
    total = sum(
        CaseEvent.objects.filter(case=case, kind__in=CaseEvent.STEP_ENDS).values_list("working_minutes", flat=True)
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
    case.contacts.clear()
    _notify_after_commit(
        [case.reporter],
        case=case,
        event="case.resolved",
        message=lambda: (
            _("Case #%(id)s was resolved") % {"id": case.pk},
            resolution,
        ),
    )
    return case


@transaction.atomic
def reopen_case(case, *, by, reason):
    reason = _required_text(reason, _("Say why the case is not solved."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if by.pk != case.reporter_id:
        raise ServiceError(_("Only the reporter can reopen a case."))
    if case.is_open:
        raise ServiceError(_("This case is still open."))
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REOPENED, actor=by, step=case.step, note=reason)
    start = case.resolved_step if case.resolved_step is not None else case.step
    case.resolved_at = None
    case.resolution = ""
    case.resolved_step = None
    case.working_minutes = None
    return _route(case, now=timezone.now(), start=start, actor=by)


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
            "deadline": timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M"),
            "post": case.current_post or _("the admins"),
            "minutes": case.step_minutes,
        }
        if case.at_last_step or case.with_admins:
            case.breached_hop = case.hop
            case.save(update_fields=["breached_hop"])
            CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.DEADLINE_PASSED, step=case.step,
                                     from_post=case.current_post, note=note)
            _notify_after_commit(
                case.contacts.all(),
                case=case,
                event="case.overdue",
                message=lambda: (
                    _("Case #%(id)s is overdue") % {"id": case.pk},
                    note,
                ),
            )
            return case
        _end_step(case, kind=CaseEvent.Kind.DEADLINE_PASSED, actor=None, now=now, note=note)
        return _route(case, now=now, start=case.step + 1, actor=None)


def move_on_overdue_cases(*, now=None):
    now = now or timezone.now()
    due = (
        Case.objects.filter(deadline__lte=now, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS])
        .exclude(breached_hop=F("hop"))
        .values_list("pk", flat=True)
    )
    return [case for case in (move_on_overdue_case(pk, now=now) for pk in list(due)) if case is not None]


def warn_before_deadlines(*, now=None):
    """Tell the contacts once per hop that a deadline is near; a claim on warned_hop makes it once only."""
    now = now or timezone.now()
    lead = settings.ESCALATION_WARN_WORKING_MINUTES
    # A deadline within `lead` working minutes of now is one before the moment `lead` working minutes on.
    horizon = add_working_minutes(now, lead)
    due = (
        Case.objects.filter(
            deadline__gt=now, deadline__lte=horizon, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS]
        )
        .exclude(warned_hop=F("hop"))
        .values_list("pk", "hop")
    )
    warned = []
    for pk, hop in list(due):
        with transaction.atomic():
            if not Case.objects.filter(pk=pk, hop=hop).exclude(warned_hop=hop).update(warned_hop=hop):
                continue  # another run claimed it, or the case moved on meanwhile
            case = Case.objects.get(pk=pk)
            deadline = timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M")
            CaseEvent.objects.create(
                case=case, kind=CaseEvent.Kind.WARNED, step=case.step, from_post=case.current_post,
                note=_("Deadline at %(deadline)s is less than %(minutes)s working minutes away.")
                % {"deadline": deadline, "minutes": lead},
            )
            _notify_after_commit(
                case.contacts.all(),
                case=case,
                event="case.deadline_near",
                message=lambda case=case, deadline=deadline: (
                    _("Case #%(id)s: deadline at %(deadline)s") % {"id": case.pk, "deadline": deadline},
                    _("Accept, resolve or pass it on before then, or it moves on by itself."),
                ),
            )
            warned.append(case)
    return warned

