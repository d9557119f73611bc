"""Charts for the management reports, drawn on the server as SVG (pygal, as escalation/charts.py): no
JavaScript, no CDN. Values go in as Decimal; only the drawing turns them into positions."""
from decimal import Decimal

import pygal
from django.utils.translation import gettext as _

from escalation.charts import STYLE


def _yuan(value):
    return f"{Decimal(str(value)):,.2f}" if value is not None else "—"


def sales_against_target(report):
    """A month: the net sales adding up day by day against the target. A quarter or year: each month's net
    sales against its target."""
    period = report["period"]
    options = {"style": STYLE, "height": 320, "width": 640, "legend_at_bottom": True, "show_y_guides": True,
               "disable_xml_declaration": True, "value_formatter": _yuan, "truncate_label": -1,
               "no_data_text": _("No sales yet"), "x_label_rotation": 0}
    if period.kind == "month":
        chart = pygal.Line(title=_("Net sales this month, day by day, against the target"), show_dots=False,
                           fill=True, **options)
        days = period.days()
        running, total = [], Decimal("0.00")
        for day in days:
            total += report["daily"].get(day, Decimal("0.00"))
            running.append(total)
        chart.x_labels = [day.strftime("%d") for day in days]
        chart.x_labels_major_every = 5
        chart.show_minor_x_labels = False
        chart.add(_("Net sales (running total)"), running)
        if report["target"]["amount"] is not None:
            chart.add(_("Sales target"), [report["target"]["amount"]] * len(days), stroke_style={"dasharray": "6,4"},
                      fill=False)
        return chart.render(is_unicode=True)
    chart = pygal.Bar(title=_("Net sales by month against the target"), **options)
    chart.x_labels = [month.strftime("%Y-%m") for month, _sales, _target in report["monthly"]]
    chart.add(_("Net sales"), [sales for _month, sales, _target in report["monthly"]])
    if any(target is not None for _month, _sales, target in report["monthly"]):
        chart.add(_("Sales target"), [target for _month, _sales, target in report["monthly"]])
    return chart.render(is_unicode=True)


def expense_by_category(report):
    chart = pygal.HorizontalBar(
        style=STYLE, height=max(160, 40 * len(report["expense"]) + 80), width=640, show_legend=False,
        disable_xml_declaration=True, value_formatter=_yuan, title=_("Expense by category"),
        no_data_text=_("No expense"), print_values=False,
    )
    lines = sorted(report["expense"], key=lambda line: line["amount"])
    chart.x_labels = [str(line["category"]) for line in lines]
    chart.add(_("Expense"), [line["amount"] for line in lines])
    return chart.render(is_unicode=True)
