"""Case pages: raise, list, read and act."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles.selectors import posts_held
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from . import rules, selectors, services
from .forms import CaseActionForm, CaseFilters, RaiseCaseForm
from .models import Case

# action -> (service, the keyword its text goes to, whether it checks the hop the person saw, message)
ACTIONS = {
    "accept": (services.accept_case, "note", True, gettext_lazy("You accepted the case.")),
    "comment": (services.comment_on_case, "note", False, gettext_lazy("Comment added.")),
    "ask": (services.ask_reporter, "question", True,
            gettext_lazy("The reporter was asked; the clock stops until they answer.")),
    "answer": (services.answer_reporter_question, "answer", False,
               gettext_lazy("Your answer was sent; the clock runs again.")),
    "pass": (services.pass_on, "reason", True, gettext_lazy("The case was passed on to the next step.")),
    "resolve": (services.resolve_case, "resolution", True, gettext_lazy("The case is resolved.")),
    "reopen": (services.reopen_case, "reason", False, gettext_lazy("The case is open again.")),
}

# action -> (its button's label, its Bootstrap class), in escalation.rules.ACTIONS' order on the page
BUTTONS = {
    "accept": (gettext_lazy("Accept"), "btn-primary"),
    "resolve": (gettext_lazy("Resolve"), "btn-success"),
    "ask": (gettext_lazy("Ask the reporter"), "btn-outline-secondary"),
    "pass": (gettext_lazy("Pass on to the next step"), "btn-warning"),
    "answer": (gettext_lazy("Answer"), "btn-primary"),
    "reopen": (gettext_lazy("Reopen"), "btn-outline-danger"),
    "comment": (gettext_lazy("Comment"), "btn-outline-dark"),
}


def raise_case(request):
    posts = posts_held(request.user)
    if not posts:
        messages.error(request, _("You hold no post, so you cannot raise a case. Ask an admin to assign you."))
        return redirect("roles:my_posts")
    initial = {k: request.GET[k] for k in ("post", "difficulty") if request.GET.get(k, "").isdigit()}
    form = RaiseCaseForm(request.POST or None, posts=posts, initial=initial)
    chosen = None
    if "difficulty" in initial:
        chosen = form.fields["difficulty"].queryset.filter(pk=initial["difficulty"]).first()
    if request.method == "POST" and form.is_valid():
        try:
            case = services.raise_case(
                by=request.user,
                post=form.cleaned_data["post"],
                difficulty=form.cleaned_data["difficulty"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                key=form.cleaned_data["key"],
            )
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Case #%(id)s raised and sent to %(post)s.") % {
                "id": case.pk, "post": case.current_post or _("the admins")})
            return redirect(case)
    return render(
        request,
        "escalation/raise_case.html",
        {"form": form, "chosen": chosen, "chain": chosen.steps.select_related("department") if chosen else []},
    )


def case_list(request):
    form = CaseFilters(request.GET)
    filters = form.filters()
    cases = selectors.case_list(request.user, filters=filters)
    page = Paginator(cases, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "escalation/case_list.html",
        {"page": page, "filters": filters, "filter_problems": form.problems(), "query": query.urlencode(),
         "now": timezone.now()},
    )


def case_detail(request, pk):
    try:
        case, events = selectors.case_page(pk, request.user)
    except Case.DoesNotExist:
        raise Http404 from None
    actions = rules.allowed_actions(case, request.user, visible=True)
    return render(
        request,
        "escalation/case_detail.html",
        {
            "case": case,
            "events": events,
            "actions": actions,
            "buttons": [(action, *BUTTONS[action]) for action in actions],
            "form": CaseActionForm(initial={"hop": case.hop}),
            "now": timezone.now(),
        },
    )


@post_only("escalation:case_detail")
def case_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    try:
        case, _events = selectors.case_page(pk, request.user)
    except Case.DoesNotExist:
        raise Http404 from None
    form = CaseActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("escalation:case_detail", pk=pk)
    service, text_keyword, checks_hop, done = ACTIONS[action]
    arguments = {"by": request.user}
    if text_keyword:
        arguments[text_keyword] = form.cleaned_data.get("note", "")
    if checks_hop:
        arguments["hop"] = form.cleaned_data.get("hop")
    try:
        service(case, **arguments)
    except ServiceError as error:
        show_errors(request, error)
    else:
        messages.success(request, done)
    if request.POST.get("next", "") == "dashboard":
        return redirect("dashboard")
    return redirect("escalation:case_detail", pk=pk)

