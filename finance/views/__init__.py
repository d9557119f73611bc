"""Finance pages: parse, check the person may, call one service or selector, render. One module per part of
the section: ledger (books, months, targets), promotions, reports, cycles."""
from .cycles import cycle_action, cycle_detail, cycle_list
from .ledger import _ledger_excel, entry_detail, entry_new, entry_reverse, home, ledger, month_action, months, targets
from .promotions import promotion_action, promotion_detail, promotion_list, promotion_new
from .reports import management_report

__all__ = [
    "_ledger_excel", "cycle_action", "cycle_detail", "cycle_list", "entry_detail", "entry_new", "entry_reverse",
    "home", "ledger", "management_report", "month_action", "months", "promotion_action", "promotion_detail",
    "promotion_list", "promotion_new", "targets",
]
