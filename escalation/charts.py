"""Charts for the dashboard, drawn on the server as SVG (pygal): no JavaScript, no CDN, prints well."""
import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family="'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
    colors=("#0d6efd", "#6f42c1", "#d63384", "#fd7e14", "#198754", "#20c997", "#6c757d"),
)


def cases_per_week(weekly, departments):
    """A stacked bar per week, one colour per department; `weekly` is (week, department id, count)."""
    weeks = sorted({week for week, _d, _n in weekly})
    counts = {(week, department): n for week, department, n in weekly}
    chart = pygal.StackedBar(
        style=STYLE, height=300, width=800, legend_at_bottom=True, legend_at_bottom_columns=4,
        x_label_rotation=0, print_values=False, show_y_guides=True, disable_xml_declaration=True,
        title=_("Cases raised per week, by department"), no_data_text=_("No cases yet"),
    )
    chart.x_labels = [week.strftime("%m-%d") for week in weeks]
    for department in departments:
        values = [counts.get((week, department.pk), 0) for week in weeks]
        if any(values):
            chart.add(str(department), values)
    return chart.render(is_unicode=True)
