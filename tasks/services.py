"""Every change to a task, a stand-up or a digest. Each runs in a transaction, locks what it changes, writes a
TaskEvent (who, when, what) and writes its notifications in the same transaction (sent after commit)."""
import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles import selectors as roles_selectors
from roles.models import Assignment, Duty
from shopteam.errors import ServiceError, text_problems
from shopteam.notifications.services import notify
from shopteam.people import display_name, moment_text
from shopteam.workcalendar.calc import calendar_for

from . import recurrence, rules, selectors
from .models import DigestSent, DutyPeriodMissed, LeadTime, Standup, Subtask, Task, TaskEvent

# What each notification says: event -> (title, body), rendered by notify() in the shop's language.
MESSAGES = {
    "task.assigned": (
        gettext_lazy("New task: %(title)s"),
        gettext_lazy("%(name)s gave you a task (%(owner)s). Due: %(due)s.\n\n%(detail)s"),
    ),
    "task.done": (gettext_lazy("Task done: %(title)s"), gettext_lazy("%(name)s marked it done.")),
    "task.commented": (gettext_lazy("New comment on task: %(title)s"), gettext_lazy("%(name)s: %(note)s")),
}

SHOPTEAM = gettext_lazy("Shopteam")
# The same person filing the same task again within this long (Back and submit) gets the first one back.
RESUBMIT_WINDOW = datetime.timedelta(minutes=30)


def _tell(users, event, task, **params):
    title, body = MESSAGES[event]
    notify(users, title=title, body=body, params={"title": task.title, **params}, url=task.get_absolute_url(),
           event=event)


def owners(task):
    """Who owns `task` today: its person, or whoever holds its post now."""
    if task.owner_id is not None:
        return [task.owner]
    return roles_selectors.holders(task.post)


def main_post(user):
    """The post a person's own tasks and cases are filed under: the first they hold in the org chart's order."""
    posts = roles_selectors.posts_held(user)
    return posts[0] if posts else None


def _owner_department(*, owner, post, by):
    if post is not None:
        return post.department
    held = roles_selectors.posts_held(owner)
    if by is not None:
        led = roles_selectors.led_departments(by)
        for held_post in held:
            if held_post.department_id in led:
                return held_post.department  # a leader filing for a member of their own department
    return held[0].department if held else None


def due_from_date(day, department):
    """A due date without a time: the end of that day's working hours in the department's calendar, or of the
    next working day when nobody works that day (a task is never due on a day off)."""
    calendar = calendar_for(department)
    if not calendar.is_working_day(day):
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        day = timezone.localtime(calendar.next_working_moment(start)).date()
    return timezone.localtime(calendar.intervals(day)[-1][1])


def _due(due, department):
    if due is None or isinstance(due, datetime.datetime):
        if due is not None and timezone.is_naive(due):
            raise ValueError("create_task() takes an aware datetime for due")
        return due
    return due_from_date(due, department)


def _text(text, *, limit, required=None, errors):
    text, problems = text_problems(text, limit=limit, required=required)
    errors.extend(problems)
    return text


def may_file_for(by, *, owner=None, post=None):
    """A person files tasks for themselves and their posts; a leader for their department; the shop manager for
    anyone. (Shopteam itself, by=None, files anywhere.)"""
    if by is None or roles_selectors.is_shop_manager(by):
        return True
    led = roles_selectors.led_departments(by)
    if post is not None:
        return post.department_id in led or roles_selectors.holds(by, post)
    if owner.pk == by.pk:
        return True
    return bool(led & {p.department_id for p in roles_selectors.posts_held(owner)})


def _check_owner(*, by, owner, post, errors):
    if (owner is None) == (post is None):
        errors.append(_("Choose who owns the task: a person or a post, not both."))
        return False
    if post is not None and not roles_selectors.holders(post):
        errors.append(_("Nobody holds %(post)s today, so nobody would do this task: choose another owner, or ask "
                        "an admin to assign the post first.") % {"post": post})
        return False
    if owner is not None and not owner.is_active:
        errors.append(_("%(name)s can no longer sign in: choose another owner.") % {"name": display_name(owner)})
        return False
    if not may_file_for(by, owner=owner, post=post):
        errors.append(_("You can file tasks for yourself and your posts; a leader for their department; the shop "
                        "manager for anyone."))
        return False
    return True


def create_task(*, title, by=None, source=Task.Source.MANUAL, owner=None, post=None, detail="",
                priority=Task.Priority.NORMAL, due=None, subject=None, key="", subtasks=(), work=""):
    """File a task for a person (`owner`) or a post (`post`: whoever holds it owns it) and tell them.

    `by` is the person filing it (None: Shopteam). `due` is an aware datetime, or a date (the end of that day's
    working hours in the owner's department). `subject` is any object the task is about (tasks_about(obj) finds
    it again). With a `key`, filing is idempotent: a second call with the same (source, key) returns the first
    task and changes nothing. Without a `due`, a task whose source (and `work`: which of the source's tasks) has a
    LeadTime is due that many working minutes after now in the owner's department calendar. A person's form
    (`by` and a `key`) that files what the same person filed within RESUBMIT_WINDOW (same owner, title, detail,
    priority, due date, subject and number of subtasks) returns that task too, as Back restores the filled-in
    form with a new key. Refuses (ServiceError, every problem at once) an empty title, a missing or double owner,
    a post nobody holds, and a due date already past for a manual task.
    """
    if key and (existing := Task.objects.filter(source=source, key=key).first()):
        return existing
    try:
        with transaction.atomic():
            return _create_task(title=title, by=by, source=source, owner=owner, post=post, detail=detail,
                                priority=priority, due=due, subject=subject, key=key, subtasks=subtasks, work=work)
    except IntegrityError:
        # The same job or form at the same moment: the other call filed the task.
        if key and (existing := Task.objects.filter(source=source, key=key).first()):
            return existing
        raise


def _due_by_lead_time(*, source, work, department, now):
    """`now` plus the source's lead time (the row for `work`, else the source's own) in the department's working
    calendar; None without a lead time."""
    minutes = (LeadTime.objects.filter(source=source, work__in={work, ""}).order_by("-work")
               .values_list("minutes", flat=True).first())
    return calendar_for(department).add_working_minutes(now, minutes) if minutes else None


def _create_task(*, title, by, source, owner, post, detail, priority, due, subject, key, subtasks, work):
    errors = []
    title = _text(title, limit=Task.TITLE_MAX, required=_("Give the task a title."), errors=errors)
    detail = _text(detail, limit=Task.TEXT_MAX, errors=errors)
    if source not in Task.Source.values:
        raise ValueError(f"unknown task source {source!r}")
    if priority not in Task.Priority.values:
        errors.append(_("Choose a priority: low, normal, high or urgent."))
    items = [item.strip() for item in subtasks if item and item.strip()]
    if any(len(item) > Task.TITLE_MAX for item in items):
        errors.append(_("Keep each subtask under %(limit)s characters.") % {"limit": Task.TITLE_MAX})
    owned = _check_owner(by=by, owner=owner, post=post, errors=errors)
    department = _owner_department(owner=owner, post=post, by=by) if owned else None
    now = timezone.now()
    due = _due(due, department)
    if due is None and owned:
        due = _due_by_lead_time(source=source, work=work, department=department, now=now)
    if due is not None and due < now and source == Task.Source.MANUAL:
        errors.append(_("The due date %(due)s has already passed: choose a later one.") % {"due": moment_text(due)})
    if errors:
        raise ServiceError(errors)
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    subject_id = str(subject.pk) if subject is not None else ""
    if by is not None and key and (again := Task.objects.filter(
            created_by=by, source=source, owner=owner, post=post, title=title, detail=detail, priority=priority,
            due=due, subject_type=subject_type, subject_id=subject_id,
            subtask_count=len(items), created_at__gte=now - RESUBMIT_WINDOW).order_by("pk").first()):
        return again
    task = Task.objects.create(
        title=title, detail=detail, owner=owner, post=post, department=department, priority=priority, due=due,
        source=source, key=key, created_by=by, created_at=now, subtask_count=len(items),
        subject_type=subject_type, subject_id=subject_id,
    )
    Subtask.objects.bulk_create(Subtask(task=task, title=item, order=n) for n, item in enumerate(items, start=1))
    _tell_assigned(task, by=by)
    return task


def _tell_assigned(task, *, by):
    people = [user for user in owners(task) if by is None or user.pk != by.pk]
    _tell(people, "task.assigned", task, name=display_name(by) or SHOPTEAM,
          owner=task.post or display_name(task.owner), due=moment_text(task.due), detail=task.detail)


def _locked(task):
    return Task.objects.select_for_update(of=("self",)).select_related("post", "owner").get(pk=task.pk)


def _require_work(task, by):
    """Tick or add subtasks: `rules` says who."""
    rules.require(rules.refusal(task, by, "subtasks"))


def _event(task, kind, *, by, field="", old="", new="", note="", at=None):
    return TaskEvent.objects.create(task=task, kind=kind, actor=by, field=field, old=str(old)[:300],
                                    new=str(new)[:300], note=note, at=at or timezone.now())


def _set_status(task, status, *, by, now):
    old = task.status
    task.status = status
    if status == Task.Status.DOING and task.started_at is None:
        task.started_at = now
    if status == Task.Status.DONE:
        task.done_at, task.done_by = now, by
    else:
        task.done_at, task.done_by = None, None
    task.save(update_fields=["status", "started_at", "done_at", "done_by"])
    return old


@transaction.atomic
def move_task(task, *, by, status):
    """Move a task along the board as `rules` allows (to do → doing → done, done reopened to to do)."""
    if status not in Task.Status.values:
        raise ServiceError(_("Choose a status: to do, doing or done."))
    task = _locked(task)
    rules.require(rules.move_refusal(task, by, status))
    if task.status == status:
        return task
    now = timezone.now()
    old = _set_status(task, status, by=by, now=now)
    _event(task, TaskEvent.Kind.STATUS, by=by, field="status", old=old, new=status, at=now)
    if status == Task.Status.DONE and task.created_by_id not in (None, by.pk):
        _tell([task.created_by], "task.done", task, name=display_name(by))
    return task


@transaction.atomic
def update_task(task, *, by, title, detail, priority, due, owner=None, post=None):
    """Change what a task says, when it is due and who owns it (its leader, whoever filed it, the shop manager).
    One event per changed field; the new owner is told."""
    task = _locked(task)
    rules.require(rules.refusal(task, by, "edit"))
    errors = []
    title = _text(title, limit=Task.TITLE_MAX, required=_("Give the task a title."), errors=errors)
    detail = _text(detail, limit=Task.TEXT_MAX, errors=errors)
    if priority not in Task.Priority.values:
        errors.append(_("Choose a priority: low, normal, high or urgent."))
    reassigned = (owner, post) != (task.owner, task.post)
    department = task.department
    if reassigned and _check_owner(by=by, owner=owner, post=post, errors=errors):
        department = _owner_department(owner=owner, post=post, by=by)
    due = _due(due, department)
    now = timezone.now()
    if due != task.due and due is not None and due < now:
        errors.append(_("The due date %(due)s has already passed: choose a later one.") % {"due": moment_text(due)})
    if errors:
        raise ServiceError(errors)
    changes = [
        ("title", task.title, title),
        ("detail", task.detail, detail),
        ("priority", task.priority, priority),
        ("due", moment_text(task.due), moment_text(due)),
        ("owner", task.post or display_name(task.owner), post or display_name(owner)),
    ]
    for field, old, new in changes:
        if str(old) != str(new):
            _event(task, TaskEvent.Kind.EDITED, by=by, field=field, old=old, new=new, at=now)
    task.title, task.detail, task.priority, task.due = title, detail, priority, due
    if reassigned:
        task.owner, task.post, task.department = owner, post, department
    task.save()
    if reassigned:
        _tell_assigned(task, by=by)
    return task


@transaction.atomic
def add_subtask(task, *, by, title):
    errors = []
    title = _text(title, limit=Task.TITLE_MAX, required=_("A subtask needs a title."), errors=errors)
    if errors:
        raise ServiceError(errors)
    task = _locked(task)
    _require_work(task, by)
    order = (task.subtasks.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    subtask = Subtask.objects.create(task=task, title=title, order=order)
    Task.objects.filter(pk=task.pk).update(subtask_count=F("subtask_count") + 1)
    _event(task, TaskEvent.Kind.SUBTASK_ADDED, by=by, new=title)
    return subtask


@transaction.atomic
def tick_subtask(subtask, *, by, done):
    """Tick or untick one item of a task's checklist; the card's count follows."""
    task = _locked(subtask.task)
    _require_work(task, by)
    subtask = Subtask.objects.select_for_update().get(pk=subtask.pk, task=task)
    if subtask.done == done:
        return subtask
    now = timezone.now()
    subtask.done = done
    subtask.done_at, subtask.done_by = (now, by) if done else (None, None)
    subtask.save(update_fields=["done", "done_at", "done_by"])
    Task.objects.filter(pk=task.pk).update(subtasks_done=F("subtasks_done") + (1 if done else -1))
    kind = TaskEvent.Kind.SUBTASK_DONE if done else TaskEvent.Kind.SUBTASK_UNDONE
    _event(task, kind, by=by, new=subtask.title, at=now)
    return subtask


@transaction.atomic
def comment_on_task(task, *, by, note):
    errors = []
    note = _text(note, limit=Task.TEXT_MAX, required=_("A comment cannot be empty."), errors=errors)
    if errors:
        raise ServiceError(errors)
    task = _locked(task)
    if not selectors.visible_tasks(by).filter(pk=task.pk).exists():
        raise ServiceError(_("You cannot see this task."))
    event = _event(task, TaskEvent.Kind.COMMENTED, by=by, note=note)
    others = {user.pk: user for user in [*owners(task), task.created_by] if user is not None and user.pk != by.pk}
    _tell(others.values(), "task.commented", task, name=display_name(by), note=note)
    return event


@transaction.atomic
def complete_tasks_about(subject, *, source=None, note="", by=None):
    """Mark done every open task about `subject` (only those of `source`, if given), each with an event saying
    why (`note`). Returns how many were completed. Safe to run twice: a done task is left alone."""
    tasks = selectors.tasks_about(subject).filter(status__in=Task.OPEN)
    if source:
        tasks = tasks.filter(source=source)
    now = timezone.now()
    completed = 0
    for task in tasks.select_for_update().order_by("pk"):
        old = _set_status(task, Task.Status.DONE, by=by, now=now)
        _event(task, TaskEvent.Kind.COMPLETED, by=by, field="status", old=old, new=Task.Status.DONE,
               note=note or _("What it was about was settled."), at=now)
        completed += 1
    return completed


# -- recurring duties ---------------------------------------------------------------------------------------------

# After a long outage the missed periods are written for at most this far back (a daily duty's two years).
MISSED_LOOKBACK = datetime.timedelta(days=730)


class _Calendars:
    """One working calendar per work schedule for a whole run, so its queries are shared by every duty."""

    def __init__(self):
        self._by_schedule = {}

    def __call__(self, department):
        schedule = department.work_schedule_id if department else None
        if schedule not in self._by_schedule:
            self._by_schedule[schedule] = calendar_for(department)
        return self._by_schedule[schedule]


def recurring_duties():
    return Duty.objects.exclude(recurrence="").select_related("post__department").order_by("pk")


def _duty_task(duty, period, now):
    title = Truncator(duty.task_title or duty.text).chars(Task.TITLE_MAX - 20)
    return Task(
        title=f"{title} · {period.key}", detail=duty.text if duty.task_title else "", post=duty.post,
        department=duty.post.department, source=Task.Source.DUTY, duty=duty, period_key=period.key,
        period_start=period.start, due=period.due, created_at=now,
    )


def _insert(tasks, missed=()):
    """Write the periods' tasks and missed periods once each: a unique constraint on (duty, period) makes a
    second run, or a run beside this one, insert nothing."""
    with transaction.atomic():
        Task.objects.bulk_create(tasks, ignore_conflicts=True, batch_size=2000)
        DutyPeriodMissed.objects.bulk_create(missed, ignore_conflicts=True, batch_size=2000)


def create_recurring_tasks(*, now=None):
    """The periodic job: file each recurring duty's task for the current period, and for the next one once its
    lead time has begun, owned by the duty's post; never twice.

    Only the current period is filed: after the job was stopped for days, the periods between the duty's last
    task and the current one are written down as missed (DutyPeriodMissed, on the dashboard) instead of
    flooding the board with stale tasks. A duty that starts repeating begins with its first period not yet
    due. A vacant post gets no task (nobody would do it); its periods count as missed once someone holds it
    again. Returns {"created": n, "missed": m}.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    duties = list(recurring_duties())
    calendars = _Calendars()
    staffed = set(Assignment.objects.current(today).values_list("post_id", flat=True))
    last = _last_periods(duties)
    wanted, gaps = [], []
    for duty in duties:
        current = recurrence.start_of(duty, today)
        if duty.post_id in staffed:
            calendar = calendars(duty.post.department)
            for start in (current, recurrence.next_start(duty, current)):
                period = recurrence.period(duty, start, calendar)
                if period is None or period.appears > today or (duty.pk not in last and period.due < now):
                    continue
                wanted.append(_duty_task(duty, period, now))
        if duty.pk in last and last[duty.pk][0] < current:
            gaps.append(duty)
    missed = _missed_periods(gaps, last, today=today, now=now, calendars=calendars)
    existing = set(
        Task.objects.filter(duty__in={t.duty_id for t in wanted}, period_key__in={t.period_key for t in wanted})
        .values_list("duty_id", "period_key")
    ) if wanted else set()
    new = [task for task in wanted if (task.duty_id, task.period_key) not in existing]
    if new or missed:
        _insert(new, missed)
    return {"created": len(new), "missed": len(missed)}


def _last_periods(duties):
    """{duty id: (start, key)} of each duty's latest period that was filed or written down as missed."""
    last = {}
    for model in (Task, DutyPeriodMissed):
        starts = dict(
            model.objects.filter(duty__in=duties, period_start__isnull=False)
            .values_list("duty_id").annotate(last=Max("period_start")).order_by()
        )
        if not starts:
            continue
        rows = model.objects.filter(duty__in=list(starts), period_start__in=set(starts.values())).values_list(
            "duty_id", "period_start", "period_key")
        for duty_id, start, key in rows:
            if starts[duty_id] == start and (duty_id not in last or last[duty_id][0] < start):
                last[duty_id] = (start, key)
    return last


def _missed_periods(duties, last, *, today, now, calendars):
    """The periods of `duties` after their last one and before the current period. A last period that is not
    one of the duty's periods now (an admin changed how it repeats) starts no gap: nothing was missed."""
    missed = []
    for duty in duties:
        start, key = last[duty.pk]
        if key != recurrence.key_of(duty, start) or recurrence.start_of(duty, start) != start:
            continue
        first = max(recurrence.next_start(duty, start), today - MISSED_LOOKBACK)
        current = recurrence.start_of(duty, today)
        calendar = calendars(duty.post.department)
        missed += [
            DutyPeriodMissed(duty=duty, period_key=p.key, period_start=p.start, due=p.due, recorded_at=now)
            for p in recurrence.periods_between(duty, first, current - datetime.timedelta(days=1), calendar)
        ]
    return missed


def create_duty_tasks_between(*, start, end, duties=None, now=None):
    """File every period of the recurring duties whose period starts in [start, end] (dates) at once: planning
    ahead, or re-filing after a restore. Periods already filed are left alone. Returns how many were asked for."""
    now = now or timezone.now()
    duties = list(recurring_duties() if duties is None else duties)
    calendars = _Calendars()
    tasks = [
        _duty_task(duty, period, now)
        for duty in duties
        for period in recurrence.periods_between(duty, start, end, calendars(duty.post.department))
    ]
    _insert(tasks)
    return len(tasks)


# -- overdue tasks escalate ------------------------------------------------------------------------------------

def escalation_post(task):
    """The post an overdue task is escalated for: its post, or its owner's main post (None if they hold none)."""
    return task.post if task.post_id else main_post(task.owner)


def escalation_state(task, *, now=None, calendars=None):
    """Where an open task stands on escalation: {"post", "grace" (working minutes), "overdue_minutes",
    "available_at" (when it may be escalated), "escalatable", "escalated", "automatic"}. The grace is the post's,
    counted in the working hours of the task's department."""
    now = now or timezone.now()
    post = escalation_post(task)
    state = {"post": post, "grace": None, "overdue_minutes": 0, "available_at": None, "escalatable": False,
             "escalated": task.escalated_at is not None, "automatic": bool(post and post.escalate_overdue_tasks)}
    if post is None or task.due is None or not task.is_open:
        return state
    calendar = (calendars or _Calendars())(task.department)
    state["grace"] = post.overdue_grace_minutes
    state["available_at"] = calendar.add_working_minutes(task.due, post.overdue_grace_minutes)
    if task.due < now:
        state["overdue_minutes"] = calendar.working_minutes_between(task.due, now)
    state["escalatable"] = not state["escalated"] and task.due < now and state["available_at"] <= now
    return state


def escalate_task(task, *, by=None, now=None, calendars=None):
    """Turn a task overdue past its post's grace into a case that Shopteam raises (no reporter) for the task's
    post: it goes to that post's leader, then the shop manager, and links back to the task. `by` is whoever
    clicked (None: the automatic job). Claimed on the task, so two clicks or two runs raise one case."""
    now = now or timezone.now()
    with transaction.atomic():
        task = _locked(task)
        state = escalation_state(task, now=now, calendars=calendars)
        rules.require(rules.refusal(task, by, "escalate", escalation=state))
        if not Task.objects.filter(pk=task.pk, escalated_at__isnull=True).update(escalated_at=now):
            raise ServiceError(_("This task has already been escalated."))
        from escalation.services import raise_case

        with translation.override(settings.LANGUAGE_CODE):
            description = _(
                "The task “%(title)s” (%(owner)s) was due %(due)s and is still %(status)s: overdue by "
                "%(minutes)s working minutes, past the grace of %(grace)s."
            ) % {"title": task.title, "owner": task.post or display_name(task.owner), "due": moment_text(task.due),
                 "status": task.get_status_display(), "minutes": state["overdue_minutes"], "grace": state["grace"]}
            if by is not None:
                description += "\n" + _("Escalated by %(name)s.") % {"name": display_name(by)}
            title = Truncator(_("Overdue task: %(title)s") % {"title": task.title}).chars(120)
        case = raise_case(source="tasks.overdue", post=state["post"], description=description, title=title,
                          subject=task, key=f"task-{task.pk}")
        _event(task, TaskEvent.Kind.ESCALATED, by=by, new=f"#{case.pk}", at=now,
               note=_("Case #%(id)s raised for %(post)s.") % {"id": case.pk, "post": state["post"]})
        return case


def escalate_overdue_tasks(*, now=None):
    """The periodic job: escalate every open task past its grace whose post escalates by itself (the task's
    post, or for a person's task their main post). Safe to run twice or beside another. Returns the cases."""
    now = now or timezone.now()
    candidates = (
        Task.objects.filter(status__in=Task.OPEN, due__lt=now, escalated_at__isnull=True)
        .filter(Q(post__escalate_overdue_tasks=True) | Q(owner__isnull=False))
        .select_related("post", "owner", "department")
        .order_by("due", "pk")
    )
    calendars = _Calendars()
    cases = []
    for task in candidates:
        post = escalation_post(task)
        if post is None or not post.escalate_overdue_tasks:
            continue
        if not escalation_state(task, now=now, calendars=calendars)["escalatable"]:
            continue
        try:
            cases.append(escalate_task(task, now=now, calendars=calendars))
        except ServiceError:
            continue  # another run escalated it meanwhile, or the task changed
    return cases


def complete_tasks_about_resolved_case(case, *, by):
    """A case was resolved: the tasks filed from it (source "case") are done."""
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Case #%(id)s was resolved.") % {"id": case.pk}
    return complete_tasks_about(case, source=Task.Source.CASE, note=note, by=by)


# -- the daily stand-up ---------------------------------------------------------------------------------------------

def write_standup(*, by, yesterday, today, blockers, day=None):
    """Write or rewrite `by`'s stand-up for today: yesterday's progress, today's plan, what blocks them. Every
    version is kept (simple_history). Refuses an empty stand-up and any day but today."""
    now = timezone.now()
    day = day or timezone.localdate(now)
    errors = []
    limit = Standup.TEXT_MAX
    yesterday = _text(yesterday, limit=limit, errors=errors)
    today = _text(today, limit=limit, errors=errors)
    blockers = _text(blockers, limit=limit, errors=errors)
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


def raise_blocker(standup, *, by, post=None):
    """Raise a stand-up's blockers as a case, from a post its author holds: it travels the playbook's chain like
    any case (the post's leader, then the shop manager) and links back to the stand-up. Once per stand-up."""
    if standup.person_id != by.pk:
        raise ServiceError(_("Only whoever wrote the stand-up can raise its blockers."))
    if not standup.blockers.strip():
        raise ServiceError(_("This stand-up names no blocker."))
    post = post or main_post(by)
    if post is None:
        raise ServiceError(_("You hold no post, so you cannot raise a case. Ask an admin to assign you."))
    from escalation.services import raise_case

    first_line = standup.blockers.strip().splitlines()[0]
    with translation.override(settings.LANGUAGE_CODE):
        title = Truncator(_("Stand-up blocker: %(text)s") % {"text": first_line}).chars(120)
    return raise_case(by=by, post=post, description=standup.blockers, title=title, subject=standup,
                      key=f"standup-{standup.pk}")


# -- the morning digest ---------------------------------------------------------------------------------------------

DIGEST_ITEMS = 10  # tasks listed per part of the digest; the rest are counted


def send_morning_digests(*, now=None):
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


def digest_for(person, *, now=None, calendars=None):
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
