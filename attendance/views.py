"""Attendance pages: a person's own month, a leader's month sheet (and its Excel file), the form to record, and a
record's page where it is corrected or voided. Each parses, asks a rule, calls one service or selector, renders."""
import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors
from shopteam.periods import next_month

from . import excel, rules, selectors, services
from .forms import CorrectForm, RecordForm, VoidForm
from .models import Kind, Record


def _month(request):
    """The month the query names (?month=2026-12), else this month; and the months before and after it."""
    today = timezone.localdate()
    try:
        month = datetime.datetime.strptime(request.GET.get("month") or "", "%Y-%m").date()
    except ValueError:
        month = today.replace(day=1)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = next_month(month)
    return month, previous, following if following <= today else None


def _person_page(request, person):
    month, previous, following = _month(request)
    return render(request, "attendance/person_month.html", {
        "person": person, "month": month, "previous": previous, "following": following,
        "own": person.pk == request.user.pk, **selectors.person_month(person, month),
        "may_record": rules.may_record_for(request.user, person),
    })


def my_month(request):
    return _person_page(request, request.user)


def person_month(request, pk):
    person = get_object_or_404(get_user_model(), pk=pk)
    if not rules.may_see_person(request.user, person):
        raise Http404
    return _person_page(request, person)


def sheet(request):
    if not rules.keeps_attendance(request.user):
        raise PermissionDenied
    month, previous, following = _month(request)
    departments = list(selectors.sheet_departments(request.user))
    department = None
    if request.GET.get("department"):
        department = next((d for d in departments if str(d.pk) == request.GET["department"]), None)
        if department is None:
            raise PermissionDenied
    data = selectors.month_sheet(request.user, month, department)
    if request.GET.get("export") == "xlsx":
        return excel.sheet_response(data, month=month, department=department)
    today = timezone.localdate()
    return render(request, "attendance/sheet.html", {
        "month": month, "previous": previous, "following": following, "departments": departments,
        "department": department, "today": today, **data,
        "extra": f"&department={department.pk}" if department else "",
        "choose_department": len(departments) > 1, "kinds": selectors.active_kinds(),
    })


def record_new(request):
    if not rules.keeps_attendance(request.user):
        raise PermissionDenied
    people = selectors.recordable_people(request.user)
    initial = {"day": timezone.localdate()}
    for field in ("person", "day"):
        if request.GET.get(field):
            initial[field] = request.GET[field]
    form = RecordForm(request.POST or None, people=people, everyone=get_user_model().objects.filter(is_active=True),
                      kinds=selectors.active_kinds(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.record_attendance(by=request.user, person=data["person"], day=data["day"],
                                                kind=data["kind"], note=data["note"])
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Recorded: %(kind)s on %(day)s (%(points)s points).") % {
                "kind": record.kind, "day": f"{record.day:%Y-%m-%d}", "points": record.points})
            return redirect(f"{_sheet_url()}?month={record.day:%Y-%m}")
    return render(request, "attendance/record_form.html", {"form": form})


def _sheet_url():
    from django.urls import reverse

    return reverse("attendance:sheet")


def _visible_record(request, pk):
    try:
        record = selectors.record_page(pk)
    except Record.DoesNotExist:
        raise Http404 from None
    if not rules.may_see_person(request.user, record.person) and not rules.may_correct(record, request.user):
        raise Http404
    return record


def _correct_form(record, data=None):
    kinds = Kind.objects.filter(Q(active=True) | Q(pk=record.kind_id))
    return CorrectForm(data, kinds=kinds, initial={"day": record.day, "kind": record.kind_id, "note": record.note})


def record_detail(request, pk, correct_form=None, void_form=None):
    record = _visible_record(request, pk)
    return render(request, "attendance/record_detail.html", {
        "record": record, "actions": rules.allowed_actions(record, request.user),
        "correct_form": correct_form or _correct_form(record), "void_form": void_form or VoidForm(),
    })


@post_only("attendance:record_detail")
def record_correct(request, pk):
    record = _visible_record(request, pk)
    if "correct" not in rules.allowed_actions(record, request.user):
        raise PermissionDenied
    form = _correct_form(record, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_record(record, by=request.user, day=data["day"], kind=data["kind"], note=data["note"],
                                    reason=data["reason"])
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Corrected; the old values are kept below."))
            return redirect(record)
    return record_detail(request, pk, correct_form=form)


@post_only("attendance:record_detail")
def record_void(request, pk):
    record = _visible_record(request, pk)
    if "void" not in rules.allowed_actions(record, request.user):
        raise PermissionDenied
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.void_record(record, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Voided: the record stays, struck through, and counts no more."))
            return redirect(record)
    return record_detail(request, pk, void_form=form)
