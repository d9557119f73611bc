"""The shop's figures as a workbook (shopteam.excel: amounts as numbers to the cent, rates as percent)."""
from django.utils.translation import gettext as _

from shopteam import excel as xlsx

from . import labels


def figures_workbook(report):
    book = xlsx.workbook()
    period, previous, last_year = report["period"], report["previous_period"], report["last_year_period"]
    sheet = xlsx.Sheet(book, period.label, [
        _("Figure"), period.code, previous.code, _("Difference"), _("Difference %"), last_year.code, _("Difference"),
        _("Difference %"),
    ], widths=[18, 14, 14, 14, 10, 14, 14, 10])
    for row in report["rows"]:
        rate = row["key"] == "refund_rate"

        def cell(value, rate=rate):
            if value is None:
                return "—"
            return xlsx.Percent(value) if rate else value

        sheet.row([labels.FIGURES[row["key"]], cell(row["value"]),
                   cell(row["previous"]["before"]), cell(row["previous"]["difference"]),
                   xlsx.Percent(row["previous"]["ratio"]),
                   cell(row["last_year"]["before"]), cell(row["last_year"]["difference"]),
                   xlsx.Percent(row["last_year"]["ratio"])])
    return book
