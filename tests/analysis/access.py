"""Who reads the shop's figures and the staffing advice (analysis/rules.py): the data-analysis leader (in the demo
team marketing_lead, who leads both groups), finance and the shop manager; a 403 to everyone else, the
data-analysis member too. Both pages only read. The format: tests/access.py."""
from tests.access import MANAGER, Rule, group, leader

FIGURES = leader("data-analysis") | group("finance") | MANAGER  # rules.sees_figures

RULES = {
    "analysis:figures": (Rule(get=FIGURES), Rule(get=FIGURES, query="period=2026-Q1"),
                         Rule(get=FIGURES, query="export=xlsx")),
    "analysis:staffing": Rule(get=FIGURES),
}
