"""The management report page (and its Excel file)."""
import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam import excel

from .. import charts, reports, rules
from ..models import first_of_month
from .common import allowed


@allowed(rules.keeps_the_books)
def management_report(request):
    period = reports.Period.parse(request.GET.get("period", ""))
    if period is None:
        period = reports.Period.month(first_of_month(timezone.localdate()) - datetime.timedelta(days=1))
    report = reports.management_report(period)
    if request.GET.get("export") == "xlsx":
        return excel.response(reports.excel(report), f"{_('Management report')}-{period.code}.xlsx")
    this_year = timezone.localdate().year
    return render(request, "finance/report.html", {
        "report": report, "period": period, "top_margin": report["margin"][:20],
        "sales_chart": charts.both(charts.sales_against_target, report),
        "expense_chart": charts.both(charts.expense_by_category, report),
        "choices": {
            "month": reports.Period.month(period.start),
            "quarter": reports.Period.quarter(period.start.year, (period.start.month - 1) // 3 + 1),
            "year": reports.Period.year(period.start.year),
        },
        "years": range(this_year, this_year - 4, -1),
    })
