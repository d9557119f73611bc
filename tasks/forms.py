"""Forms for the task pages: they check shape; the services check the rules."""
import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shopteam import filters
from shopteam.people import display_name

from . import selectors
from .models import Standup, Task


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=Task.TITLE_MAX, required=False)
    owner = forms.ChoiceField(
        label=_("Owner"),
        help_text=_("A post: whoever holds it owns the task, and it follows the post when its holders change."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Task.Priority.choices, initial=Task.Priority.NORMAL)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Without a time: the end of that working day in the owner's department (a day off: the next "
                    "working day)."),
    )
    due_time = forms.TimeField(label=_("Due time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    detail = forms.CharField(
        label=_("Detail"), required=False, max_length=Task.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        posts, people = selectors.owner_choices(user)
        self.posts = {str(p.pk): p for p in posts}
        self.people = {str(u.pk): u for u in people}
        self.fields["owner"].choices = [
            (_("Me"), [(f"user:{user.pk}", display_name(user))]),
            (_("Posts (whoever holds it)"), [(f"post:{pk}", f"{p} · {p.department}") for pk, p in self.posts.items()]),
            (_("People"), [(f"user:{pk}", display_name(u)) for pk, u in self.people.items() if u.pk != user.pk]),
        ]
        self.fields["owner"].initial = f"user:{user.pk}"

    def clean(self):
        data = super().clean()
        kind, _sep, pk = (data.get("owner") or "").partition(":")
        data["owner_user"] = self.people.get(pk) if kind == "user" else None
        data["owner_post"] = self.posts.get(pk) if kind == "post" else None
        day, time = data.get("due_date"), data.get("due_time")
        if time and not day:
            self.add_error("due_date", _("A due time needs a date."))
        if day and time:
            data["due"] = timezone.make_aware(datetime.datetime.combine(day, time))
        else:
            data["due"] = day
        return data


class NewTaskForm(TaskForm):
    subtasks = forms.CharField(
        label=_("Subtasks"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; each becomes an item of the task's checklist."),
    )
    # One submitted form files at most one task: a second POST of the same form returns the first task.
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    field_order = ["title", "owner", "priority", "due_date", "due_time", "subtasks", "detail"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)

    def clean(self):
        data = super().clean()
        data["subtask_titles"] = [line.strip() for line in (data.get("subtasks") or "").splitlines() if line.strip()]
        return data


def edit_form(task, *, user, data=None):
    local = timezone.localtime(task.due) if task.due else None
    initial = {
        "title": task.title,
        "detail": task.detail,
        "priority": task.priority,
        "owner": f"post:{task.post_id}" if task.post_id else f"user:{task.owner_id}",
        "due_date": local.date() if local else None,
        "due_time": local.time().replace(second=0, microsecond=0) if local else None,
    }
    form = TaskForm(data, user=user, initial=initial)
    # The current owner stays a choice even when the editor could not file a new task for them.
    current = task.post or task.owner
    value = initial["owner"]
    if not any(value == choice for _group, choices in form.fields["owner"].choices for choice, _l in choices):
        label = str(current) if task.post_id else display_name(current)
        form.fields["owner"].choices = [(_("Now"), [(value, label)]), *form.fields["owner"].choices]
        if task.post_id:
            form.posts[str(task.post_id)] = task.post
        else:
            form.people[str(task.owner_id)] = task.owner
    return form


class StandupForm(forms.ModelForm):
    class Meta:
        model = Standup
        fields = ["yesterday", "today", "blockers"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
        labels = {
            "yesterday": _("Yesterday: what got done"),
            "today": _("Today: what I plan to do"),
            "blockers": _("Blockers: what stops me (optional)"),
        }
        help_texts = {"blockers": _("A blocker can be raised as a case in one click after saving.")}


DUE_CHOICES = [(value, value) for value in ("overdue", "today", "week", "later", "upcoming", "none")]
DONE_CHOICES = [(value, value) for value in ("this_week", "last_week", "recent")]


class TaskFilters(filters.FilterForm):
    """The board's and the list's filters."""
    department = filters.Id(label=_("Department"))
    post = filters.Id(label=_("Post"))
    person = filters.Id(label=_("Person"))
    priority = filters.Choice(Task.Priority.choices, label=_("Priority"))
    source = filters.Choice(Task.Source.choices, label=_("Source"))
    status = filters.Choice(Task.Status.choices, label=_("Status"))
    due = filters.Choice(DUE_CHOICES, label=_("Due"))
    done = filters.Choice(DONE_CHOICES, label=_("Done"))
    mine = filters.Flag(label=_("Only mine"))
    on_time = filters.Flag()
    late = filters.Flag()
    q = filters.Text()
