"""Charts for the dashboard, drawn on the server as SVG (pygal): no JavaScript, no CDN, prints well."""
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


def cases_per_week(weekly, departments, weeks):
    """A stacked bar per week (every week shown, empty ones too), one colour per department;
    `weekly` is (week start, department id, count)."""
    counts = {}
    for week, department, n in weekly:
        key = (timezone.localtime(week).date() if hasattr(week, "tzinfo") else week, department)
        counts[key] = counts.get(key, 0) + n
    totals = [sum(counts.get((week, d.pk), 0) for d in departments) for week in weeks]
    top = max(totals, default=0)
    chart = pygal.StackedBar(
        style=STYLE, height=300, width=480,
        # Whole cases only: a fixed range with at most eight guides keeps the ticks on integers.
        range=(0, max(top, 1)), max_scale=min(max(top, 1), 8), min_scale=1,
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
