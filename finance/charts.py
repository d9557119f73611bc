"""Charts for the management reports, drawn on the server as SVG (pygal, as escalation/charts.py): no
JavaScript, no CDN. Values go in as Decimal; only the drawing turns them into positions."""
from decimal import Decimal

import pygal
from django.utils.translation import gettext as _

from escalation.charts import NO_SCRIPT, STYLE

# Drawn a second time for phones: narrower, with bigger letters, so the text is still readable once the SVG is
# shrunk to a 390 px screen (the desktop drawing's would come out at about 6 px).
PHONE = {"width": 360, "style": STYLE.__class__(**{
    **{name: getattr(STYLE, name) for name in ("background", "plot_background", "font_family", "colors")},
    "title_font_size": 17, "label_font_size": 14, "major_label_font_size": 14, "legend_font_size": 14,
    "tooltip_font_size": 14, "no_data_font_size": 18,
})}
DESKTOP = {"width": 640, "style": STYLE}


def both(draw, report):
    """{"desktop": svg, "phone": svg}: the page shows the one that fits the screen; None when there is nothing to
    draw (the page says so in words)."""
    desktop = draw(report, **DESKTOP)
    return {"desktop": desktop, "phone": draw(report, **PHONE)} if desktop else None


def _yuan(value):
    """Tooltips: exact to the fen."""
    return f"{Decimal(str(value)):,.2f}" if value is not None else "—"


def _axis(value):
    """Axis labels: whole yuan."""
    return f"{Decimal(str(value)):,.0f}"


def _top(values):
    """A round top for the y axis above the highest value (pygal would otherwise clip at its last guide)."""
    top = max([Decimal("0"), *[v for v in values if v is not None]])
    if top <= 0:
        return 100
    step = Decimal(10) ** (len(str(int(top))) - 1)
    return int((top * Decimal("1.1") / step).to_integral_value(rounding="ROUND_CEILING") * step)


def sales_against_target(report, *, width=DESKTOP["width"], style=STYLE):
    """A month: the net sales adding up day by day against the target. A quarter or year: each month's net
    sales against its target. None without a sale or a target."""
    period = report["period"]
    options = {"style": style, "height": 320, "width": width, "legend_at_bottom": True, "show_y_guides": True,
               "disable_xml_declaration": True, "value_formatter": _axis, **NO_SCRIPT, "truncate_label": -1,
               "no_data_text": _("No sales yet"), "x_label_rotation": 0, "max_scale": 6, "min_scale": 3}
    target = report["target"]["amount"]
    if target is None and not any(report["daily"].values()):
        return None
    if period.kind == "month":
        days = period.days()
        running, total = [], Decimal("0.00")
        for day in days:
            total += report["daily"].get(day, Decimal("0.00"))
            running.append(total)
        chart = pygal.Line(title=_("Net sales this month, day by day, against the target"), show_dots=False,
                           range=(0, _top([*running, target])), **options)
        chart.x_labels = [day.strftime("%d") for day in days]
        chart.x_labels_major_every = 5
        chart.show_minor_x_labels = False
        chart.add(_("Net sales (running total)"), running, formatter=_yuan, stroke_style={"width": 3})
        if target is not None:
            chart.add(_("Sales target"), [target] * len(days), formatter=_yuan,
                      stroke_style={"width": 2, "dasharray": "8,6"})
        return chart.render(is_unicode=True)
    monthly = report["monthly"]
    chart = pygal.Bar(title=_("Net sales by month against the target"),
                      range=(0, _top([v for _m, sales, t in monthly for v in (sales, t)])), **options)
    chart.x_labels = [month.strftime("%m") if period.kind == "year" else month.strftime("%Y-%m")
                      for month, _sales, _target in monthly]
    chart.add(_("Net sales"), [sales for _month, sales, _target in monthly], formatter=_yuan)
    if any(t is not None for _month, _sales, t in monthly):
        chart.add(_("Sales target"), [t for _month, _sales, t in monthly], formatter=_yuan)
    return chart.render(is_unicode=True)


def expense_by_category(report, *, width=DESKTOP["width"], style=STYLE):
    """None without an expense."""
    if not report["expense"]:
        return None
    chart = pygal.HorizontalBar(
        style=style, height=max(160, 40 * len(report["expense"]) + 80), width=width, show_legend=False,
        disable_xml_declaration=True, value_formatter=_axis, title=_("Expense by category"), **NO_SCRIPT,
        no_data_text=_("No expense"), print_values=False, truncate_label=-1,
        max_scale=8 if width >= DESKTOP["width"] else 4,  # fewer amounts along a phone's axis, each whole
    )
    lines = sorted(report["expense"], key=lambda line: line["amount"])
    chart.x_labels = [str(line["category"]) for line in lines]
    chart.add(_("Expense"), [line["amount"] for line in lines], formatter=_yuan)
    return chart.render(is_unicode=True)
