"""Task pages: parse the request, call one selector or service, render. A person who may not see a task gets a 404;
one who may see it but not do what they asked gets a 403."""
import contextlib
import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalation.selectors import cases_about
from roles.selectors import is_shop_manager
from shopteam import excel as xlsx
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors
from shopteam.workcalendar.calc import calendar_for

from . import excel, rules, selectors, services
from .forms import NewTaskForm, StandupForm, TaskFilters, edit_form
from .labels import owner_text
from .models import Standup, Subtask, Task


def parse_filters(query):
    """The board's and the list's filters from the query string (TaskFilters: a bad value is left out and shown
    next to the filters)."""
    form = TaskFilters(query)
    filters = form.filters()
    if "person" in filters:
        filters["person"] = get_user_model().objects.filter(pk=filters["person"]).first()
        if filters["person"] is None:
            del filters["person"]
    return filters


def _filter_context(request, filters):
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    return {
        "filters": filters,
        "filter_problems": TaskFilters(request.GET).problems(),
        "choices": selectors.filter_choices(request.user),
        "query": query.urlencode(),
        "priorities": Task.Priority.choices,
        "sources": Task.Source.choices,
        "statuses": Task.Status.choices,
    }


def card_labels():
    """The words every card repeats, translated once per page rather than once per card."""
    return {"overdue": _("overdue"), "subtasks_done": _("Subtasks done"), "start": _("Start"),
            "back": _("Back to to do"), "done": _("Mark done"), "reopen": _("Reopen")}


def mark_cards(tasks, viewer, *, now):
    """Prepare each task for its card: `moves` (its buttons, from tasks.rules), `can_work`, `late`,
    `owner_label`, its URLs. Done here once per card rather than by template filters, so a board of many cards
    renders quickly."""
    move = reverse("tasks:move", args=[0]).replace("/0/", "/%s/")
    page = reverse("tasks:task_detail", args=[0]).replace("/0/", "/%s/")
    for task in tasks:
        task.can_work = viewer.can_work(task)
        task.moves = rules.moves(rules.allowed_actions(task, viewer.user, viewer=viewer))
        task.late = task.is_overdue(now)
        task.owner_label = owner_text(task)
        task.move_url = move % task.pk
        task.page_url = page % task.pk
    return tasks


MY_SECTIONS = [
    ("overdue", gettext_lazy("Overdue tasks"), "due=overdue"),
    ("today", gettext_lazy("Due today"), "due=today&status=todo"),
    ("upcoming", gettext_lazy("Coming up"), "due=upcoming"),
    ("done", gettext_lazy("Done recently"), "done=recent&sort=-done"),
]


def my_tasks(request):
    now = timezone.now()
    context = selectors.my_tasks(request.user, now=now)
    viewer = selectors.Viewer(request.user)
    for tasks in context["sections"].values():
        mark_cards(tasks, viewer, now=now)
    context["section_list"] = MY_SECTIONS
    context["standup_prompt"] = _standup_due(request.user, now)
    context["labels"] = card_labels()
    return render(request, "tasks/my_tasks.html", context)


def _standup_due(user, now):
    """Whether `user` still has to write today's stand-up: a working day for them, and none written yet."""
    post = services.main_post(user)
    today = timezone.localdate(now)
    if post is None or selectors.standup_of(user, today) is not None:
        return False
    return calendar_for(post.department).is_working_day(today)


def board(request):
    filters = parse_filters(request.GET)
    now = timezone.now()
    columns = selectors.board(request.user, filters, now=now)
    viewer = selectors.Viewer(request.user)
    for column in columns:
        mark_cards(column["tasks"], viewer, now=now)
    return render(request, "tasks/board.html", {
        "columns": columns, "now": now, "labels": card_labels(), **_filter_context(request, filters),
    })


def task_list(request):
    filters = parse_filters(request.GET)
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    sort = sort if sort in selectors.SORTS else selectors.DEFAULT_SORT
    now = timezone.now()
    tasks = selectors.task_list(request.user, filters, sort=sort, now=now)
    page = Paginator(tasks, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_holders(list(page.object_list))
    return render(request, "tasks/task_list.html", {
        "page": page, "sort": sort, "now": now, **_filter_context(request, filters),
    })


def export(request):
    filters = parse_filters(request.GET)
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    tasks = selectors.task_list(request.user, filters, sort=sort)
    return xlsx.response(excel.task_workbook(tasks), f"{_('Tasks')}-{timezone.localdate():%Y%m%d}.xlsx")


def create_task(request):
    form = NewTaskForm(request.POST or None, user=request.user)
    subject = _case_from(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.create_task(
                title=data["title"], by=request.user, owner=data["owner_user"], post=data["owner_post"],
                detail=data["detail"], priority=data["priority"], due=data["due"], subtasks=data["subtask_titles"],
                key=f"form-{data['key']}" if data["key"] else "",
                source=Task.Source.CASE if subject is not None else Task.Source.MANUAL,
                subject=subject,
            )
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Task filed."))
            return redirect(task)
    return render(request, "tasks/task_form.html", {"form": form, "case": subject})


def _case_from(request):
    """A task filed from a case (?case=<id>) is about that case and is done when the case is resolved."""
    from escalation.models import Case
    from escalation.selectors import can_see

    case_id = request.GET.get("case", "")
    if not case_id.isdigit():
        return None
    case = Case.objects.filter(pk=case_id).first()
    return case if case is not None and can_see(case, request.user) else None


def _visible(request, pk):
    try:
        return selectors.task_page(pk, request.user)
    except Task.DoesNotExist:
        raise Http404 from None


def task_detail(request, pk):
    task, subtasks, events = _visible(request, pk)
    now = timezone.now()
    escalation = services.escalation_state(task, now=now)
    actions = rules.allowed_actions(task, request.user, escalation=escalation)
    return render(request, "tasks/task_detail.html", {
        "task": task, "subtasks": subtasks, "events": events, "now": now, "actions": actions,
        "moves": rules.moves(actions), "can_work": "subtasks" in actions,
        "escalation": escalation,
        "chain": selectors.escalation_chain(escalation["post"]) if escalation["post"] and task.is_open else [],
        "cases": list(cases_about(task)),
        "statuses": Task.Status.choices,
        "confirm_done": request.GET.get("confirm") == "done" and "done" in actions,
        "open_subtasks": task.subtask_count - task.subtasks_done,
    })


def edit_task(request, pk):
    task, _subtasks, _events = _visible(request, pk)
    if not selectors.manages(task, request.user):
        raise PermissionDenied
    form = edit_form(task, user=request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_task(task, by=request.user, title=data["title"], detail=data["detail"],
                                 priority=data["priority"], due=data["due"], owner=data["owner_user"],
                                 post=data["owner_post"])
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Task saved."))
            return redirect(task)
    return render(request, "tasks/task_form.html", {"form": form, "task": task})


def _next(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return target
    return fallback


@post_only("tasks:task_detail")
def move_task(request, pk):
    task, _subtasks, _events = _visible(request, pk)
    if not selectors.can_work(task, request.user):
        raise PermissionDenied
    status = request.POST.get("status", "")
    if status == Task.Status.DONE and not request.POST.get("confirm") and task.subtasks_done < task.subtask_count:
        # Open subtasks: the task page asks first (a form, so it works without JavaScript; htmx follows there).
        asked = f"{task.get_absolute_url()}?confirm=done"
        if request.htmx:
            return HttpResponse(headers={"HX-Redirect": asked})
        return redirect(asked)
    error = None
    try:
        task = services.move_task(task, by=request.user, status=status)
    except ServiceError as refused:
        error = refused
    if request.htmx:
        return _moved_card(request, task, error)
    if error:
        show_errors(request, error)
    return redirect(_next(request, task.get_absolute_url()))


def _moved_card(request, task, error):
    """For the board: the card leaves its column (the swapped target gets nothing) and lands at the top of its
    new one, and the column counts follow (out-of-band swaps); a refusal leaves it where it was."""
    task = selectors.with_owners(Task.objects.filter(pk=task.pk)).get()
    selectors.attach_holders([task])
    now = timezone.now()
    mark_cards([task], selectors.Viewer(request.user), now=now)
    filters = parse_filters(request.POST)
    counts = {column["status"]: column["count"] for column in selectors.board(request.user, filters, now=now)}
    return render(request, "tasks/_moved_card.html", {
        "task": task, "now": now, "counts": counts, "error": error, "labels": card_labels(),
        "next_url": _next(request, reverse("tasks:board")),
        "shown": error is None and _still_shown(task, filters, request.user, now),
    })


def _still_shown(task, filters, user, now):
    return selectors.filtered(user, {**filters, "status": ""}, now=now).filter(pk=task.pk).exists()


@post_only("tasks:task_detail")
def add_subtask(request, pk):
    task, _subtasks, _events = _visible(request, pk)
    if not selectors.can_work(task, request.user):
        raise PermissionDenied
    try:
        services.add_subtask(task, by=request.user, title=request.POST.get("title", ""))
    except ServiceError as error:
        show_errors(request, error)
    return redirect(task)


@post_only("tasks:task_detail")
def tick_subtask(request, pk, subtask_pk):
    task, _subtasks, _events = _visible(request, pk)
    subtask = Subtask.objects.filter(pk=subtask_pk, task=task).first()
    if subtask is None:
        raise Http404
    if not selectors.can_work(task, request.user):
        raise PermissionDenied
    error = None
    try:
        services.tick_subtask(subtask, by=request.user, done=request.POST.get("done") == "1")
    except ServiceError as refused:
        error = refused
    if request.htmx:
        task, subtasks, _events = _visible(request, pk)
        return render(request, "tasks/_checklist.html", {
            "task": task, "subtasks": subtasks, "can_work": True, "error": error,
        })
    if error:
        show_errors(request, error)
    return redirect(task)


@post_only("tasks:task_detail")
def comment(request, pk):
    task, _subtasks, _events = _visible(request, pk)
    try:
        services.comment_on_task(task, by=request.user, note=request.POST.get("note", ""))
    except ServiceError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Comment added."))
    return redirect(task)


@post_only("tasks:task_detail")
def escalate(request, pk):
    task, _subtasks, _events = _visible(request, pk)
    if not selectors.can_work(task, request.user):
        raise PermissionDenied
    try:
        case = services.escalate_task(task, by=request.user)
    except ServiceError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Escalated: case #%(id)s is with %(post)s.") % {
            "id": case.pk, "post": case.current_post or _("the admins")})
    return redirect(task)


def missed(request):
    """The periods of recurring duties nobody was given a task for (the dashboard links here)."""
    if not is_shop_manager(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    since = today.replace(day=1)
    if request.GET.get("since"):
        with contextlib.suppress(ValueError):
            since = datetime.date.fromisoformat(request.GET["since"])
    periods = selectors.missed_periods(since=since)
    page = Paginator(periods, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tasks/missed.html", {"page": page, "since": since})


# -- the daily stand-up ---------------------------------------------------------------------------------------------

def standup(request):
    """One short form for today's stand-up (a phone form); what I wrote the days before below it."""
    today = timezone.localdate()
    mine = selectors.standup_of(request.user, today)
    form = StandupForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mine = services.write_standup(by=request.user, yesterday=data["yesterday"], today=data["today"],
                                          blockers=data["blockers"])
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Stand-up saved."))
            return redirect("tasks:standup")
    recent = Standup.objects.filter(person=request.user, date__lt=today).order_by("-date")[:5]
    return render(request, "tasks/standup.html", {
        "form": form, "standup": mine, "today": today, "recent": recent,
        "cases": list(cases_about(mine)) if mine else [],
        "reads_team": selectors.standup_team(request.user, day=today) is not None,
    })


def standup_team(request):
    """The whole team's stand-ups for a day, and who has not written one by 10:00 on a working day."""
    day = timezone.localdate()
    if request.GET.get("date"):
        with contextlib.suppress(ValueError):
            day = datetime.date.fromisoformat(request.GET["date"])
    rows = selectors.team_standups(request.user, day=day, calendars=services._Calendars())
    if rows is None:
        raise PermissionDenied
    return render(request, "tasks/standup_team.html", {
        "rows": rows, "day": day, "missing": [row for row in rows if row["missing"]],
        "previous": day - datetime.timedelta(days=1), "next": day + datetime.timedelta(days=1),
        "is_today": day == timezone.localdate(),
    })


def _readable_standup(request, pk):
    standup = Standup.objects.select_related("person").filter(pk=pk).first()
    if standup is None or not selectors.can_read_standup(standup, request.user):
        raise Http404
    return standup


def standup_detail(request, pk):
    standup = _readable_standup(request, pk)
    return render(request, "tasks/standup_detail.html", {"standup": standup, "cases": list(cases_about(standup))})


@post_only("tasks:standup_detail")
def raise_blocker(request, pk):
    standup = _readable_standup(request, pk)
    if standup.person_id != request.user.pk:
        raise PermissionDenied
    try:
        case = services.raise_blocker(standup, by=request.user)
    except ServiceError as error:
        show_errors(request, error)
        return redirect("tasks:standup")
    messages.success(request, _("Case #%(id)s raised and sent to %(post)s.") % {
        "id": case.pk, "post": case.current_post or _("the admins")})
    return redirect(case)
