"""The month sheet's cells, written in one pass: a 50-person sheet has 1,550 of them, and a template node per cell
attribute made the page nine times the trivial page's time (tests/bench/attendance.py)."""
from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def sheet_columns(days, today):
    """Per day of the sheet: its ISO date, its cell class (today, the weekend) and whether a record can be made."""
    return [{"day": day, "iso": day.isoformat(), "recordable": day <= today,
             "cls": "px-1 table-primary" if day == today else "px-1 table-light" if day.weekday() > 4 else "px-1"}
            for day in days]


@register.simple_tag
def sheet_cells(row, columns):
    """A person's <td> per day: each record a badge linking to its page, an empty past day a link to record."""
    record_url = reverse("attendance:record_detail", args=[0])[:-2]  # "/attendance/records/"
    new_url = reverse("attendance:record_new")
    label = escape(pgettext("attendance", "Record"))
    person = row["person"].pk
    kinds: dict[int, tuple[str, str, str]] = {}  # each kind's escaped name, short label and code, once
    html = []
    for column, (_day, marks) in zip(columns, row["cells"], strict=True):
        if marks:
            parts = []
            for mark in marks:
                if mark.kind.pk not in kinds:
                    kinds[mark.kind.pk] = (escape(mark.kind), escape(mark.kind.localized_short), mark.kind.code)
                name, short, code = kinds[mark.kind.pk]
                parts.append(f'<a class="badge text-bg-warning text-decoration-none" href="{record_url}{mark.pk}/" '
                             f'title="{name} {mark.points}" data-record="{code}">{short}</a>')
            inside = "".join(parts)
        elif column["recordable"]:
            inside = (f'<a class="text-body-tertiary text-decoration-none d-block py-2" '
                      f'href="{new_url}?person={person}&amp;day={column["iso"]}" '
                      f'aria-label="{label} {column["iso"]}">·</a>')
        else:
            inside = ""
        html.append(f'<td class="{column["cls"]}" data-day="{column["iso"]}">{inside}</td>')
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped; the rest are numbers and our URLs
