"""The shop's figures page (and its Excel file) and the staffing advice page."""
import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam import excel

from . import labels, rules, selectors
from .excel import figures_workbook
from .periods import KINDS, Period


def _allowed(request):
    if not rules.sees_figures(request.user):
        raise PermissionDenied


def figures(request):
    _allowed(request)
    today = timezone.localdate()
    period = Period.parse(request.GET.get("period")) or Period.of("month", today.replace(day=1)
                                                                  - datetime.timedelta(days=1))
    report = selectors.figures_report(period)
    if request.GET.get("export") == "xlsx":
        return excel.response(figures_workbook(report), f"{_('Shop figures')}-{period.code}.xlsx")
    for row in report["rows"]:
        row["label"] = labels.FIGURES[row["key"]]
        row["money"] = row["key"] in labels.MONEY
        row["rate"] = row["key"] == "refund_rate"
    return render(request, "analysis/figures.html", {
        "report": report, "period": period,
        "choices": [(kind, label, Period.of(kind, period.start)) for kind, label in KINDS.items()],
    })


def staffing(request):
    _allowed(request)
    on = timezone.localdate()
    report = selectors.staffing_advice(on)
    peak = max((count for _day, count in report["trend"]), default=0)
    return render(request, "analysis/staffing.html", {"report": report, "peak": peak})
