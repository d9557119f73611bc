"""Task pages: parse the request, call one selector or service, render."""
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .models import Task


def task_detail(request, pk):
    try:
        task, subtasks, events = selectors.task_page(pk, request.user)
    except Task.DoesNotExist:
        raise Http404 from None
    return render(request, "tasks/task_detail.html", {"task": task, "subtasks": subtasks, "events": events})
