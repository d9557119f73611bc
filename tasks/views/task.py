"""One task's pages: filing it, its page, changing it, and what its buttons post (moves, subtasks, comments,
escalation). A person who may not see a task gets a 404; one who may see it but not do what they asked a 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from escalation.selectors import cases_about
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import rules, selectors, services
from ..forms import NewTaskForm, edit_form
from ..models import Subtask, Task
from .lists import card_labels, mark_cards, parse_filters


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
