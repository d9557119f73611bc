"""The task lists: my tasks, the board, the list and its download, the missed duty periods."""
import contextlib
import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles.selectors import is_shop_manager
from shopteam import excel as xlsx
from shopteam.workcalendar.calc import calendar_for

from .. import excel, rules, selectors, services
from ..forms import TaskFilters
from ..labels import owner_text
from ..models import Task


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
