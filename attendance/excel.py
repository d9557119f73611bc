"""The month sheet as an Excel file, through the shop's one writer (shopteam/excel.py): a row per person, a
column per day with the short labels of that day's records, then the month's counts and points."""
from django.utils.translation import gettext as _

from shopteam import excel
from shopteam.people import display_name


def sheet_response(data, *, month, department=None):
    book = excel.workbook()
    headers = [_("Person"), *[str(day.day) for day in data["days"]],
               _("Late or early"), _("Leave"), _("Points")]
    sheet = excel.Sheet(book, f"{month:%Y-%m}", headers, widths=[14] + [4] * len(data["days"]) + [10, 8, 8])
    for row in data["rows"]:
        cells = [" ".join(record.kind.localized_short for record in records) for _day, records in row["cells"]]
        sheet.row([display_name(row["person"]), *cells, row["late_or_early"], row["leave"], row["points"]])
    sheet.row([_("Total"), *[""] * len(data["days"]), sum(r["late_or_early"] for r in data["rows"]),
               sum(r["leave"] for r in data["rows"]), sum(r["points"] for r in data["rows"])], bold=True)
    parts = [_("Attendance"), *([str(department)] if department else []), f"{month:%Y%m}"]
    name = "-".join(parts) + ".xlsx"
    return excel.response(book, name)
