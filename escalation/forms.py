"""Forms for raising and acting on cases: they check shape; the services check the rules."""
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from roles.models import Difficulty, Post
from roles.selectors import difficulties_for
from shopteam import filters

from .models import Case


class RaiseCaseForm(forms.Form):
    post = forms.ModelChoiceField(queryset=Post.objects.none(), label=_("Raised as"))
    difficulty = forms.ModelChoiceField(
        queryset=Difficulty.objects.none(),
        required=False,
        label=_("Difficulty"),
        empty_label=_("None of these (free-form: goes to my leader, then the shop manager)"),
    )
    title = forms.CharField(
        label=_("Title"), max_length=120, required=False,
        help_text=_("Optional: left empty, the difficulty and the first words of the description are used."),
    )
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=Case.DESCRIPTION_MAX,
        help_text=_("Up to %(limit)s characters.") % {"limit": f"{Case.DESCRIPTION_MAX:,}"},
    )
    # One submitted form makes at most one case: a second POST of the same form (a double click, Back and
    # submit again) carries the same key, and the service returns the case the first one made.
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Post.objects.filter(pk__in=[p.pk for p in posts])
        self.fields["difficulty"].queryset = difficulties_for(posts).select_related("post")
        self.fields["difficulty"].label_from_instance = lambda d: f"{d} — {d.localized('condition')}"
        if len(posts) == 1:
            self.fields["post"].initial = posts[0]
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)


class CaseActionForm(forms.Form):
    """One text box and the hop the person saw, so a decision on a stale page is refused."""

    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        required=False,
        label=_("Note"),
        max_length=Case.TEXT_MAX,
    )
    hop = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CaseFilters(filters.FilterForm):
    """The case list's filters (the dashboard links here with them)."""
    box = filters.Choice([("mine", "mine"), ("reported", "reported")])
    status = filters.Choice([("open", "open"), *Case.Status.choices], label=_("Status"))
    department = filters.Id(label=_("Department"))
    difficulty = filters.Id(label=_("Difficulty"))
    resolved_step = filters.Id()
    with_manager = filters.Flag()
    overdue = filters.Flag()
    due_soon = filters.Flag()
    reached_manager = filters.Flag()
    since = filters.Day(aware=True, label=_("From"))
    until = filters.Day(aware=True, label=_("Until"))
    resolved_since = filters.Day(aware=True)
