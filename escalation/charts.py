"""Charts for the dashboard, drawn on the server as SVG (pygal): no JavaScript, no CDN, prints well."""
import math

import pygal
from django.utils import timezone
from django.utils.translation import gettext as _
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family="'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
    colors=("#0d6efd", "#6f42c1", "#d63384", "#fd7e14", "#198754", "#20c997", "#6c757d"),
)
# pygal links its tooltip script from kozea.github.io by default: the shop's pages load nothing from another host.
NO_SCRIPT: dict[str, list[str]] = {"js": []}


def y_labels(top):
    """Whole numbers from 0 up to and including `top` (the highest bar), at most about eight of them."""
    step = max(1, math.ceil(top / 8))
    return sorted({*range(0, top + 1, step), top})


def cases_per_week(weekly, departments, weeks):
    """A stacked bar per week (every week shown, empty ones too), one colour per department;
    `weekly` is (week start, department id, count). None when no case was raised in those weeks: the page says
    so in words instead of drawing empty axes."""
    counts = {}
    for week, department, n in weekly:
        key = (timezone.localtime(week).date() if hasattr(week, "tzinfo") else week, department)
        counts[key] = counts.get(key, 0) + n
    totals = [sum(counts.get((week, d.pk), 0) for d in departments) for week in weeks]
    top = max(totals, default=0)
    if not top:
        return None
    chart = pygal.StackedBar(
        style=STYLE, height=300, width=480, **NO_SCRIPT,
        # Whole cases only, and the highest bar's total among them.
        range=(0, top), y_labels=y_labels(top),
        legend_at_bottom=True, legend_at_bottom_columns=4,
        x_label_rotation=0, truncate_label=-1, print_values=False, show_y_guides=True, disable_xml_declaration=True,
        title=_("Cases raised per week, by department"), no_data_text=_("No cases yet"),
    )
    chart.x_labels = [week.strftime("%m-%d") for week in weeks]
    for department in departments:
        values = [counts.get((week, department.pk), 0) for week in weeks]
        if any(values):
            chart.add(str(department), values)
    return chart.render(is_unicode=True)
