"""Every change to the shop's money. Each runs in a transaction, locks what it changes (a month's books before
an entry is dated in it), checks the rules, and leaves history: an entry is never edited or deleted, a
mistake is reversed by an entry that points to it.

One module per thing changed: money (parsing amounts), texts (stored text and history), months (books and
targets), ledger (entries), notices (who is told what), promotions, management_reports (sending them),
supplier_cycle and taobao (the day's money). The names below are what views, jobs, other apps and tests call.
"""
from ..cycle_dates import (
    MIN_WINDOW_DAYS,
    build_day,
    finance_calendar,
    holiday_warning,
    report_month,
    window_of,
    window_working_days,
)
from ..rules import may_decide, may_pay, may_refer
from .ledger import OPPOSITE, ensure_seed_data, record_entry, record_system_entry, reverse_entry
from .management_reports import (
    MAIL_LEASE,
    mail_management_report,
    report_readers,
    report_url,
    send_monthly_report,
)
from .money import CENT, MAX_AMOUNT, money
from .months import close_month, lock_month, open_month_for, reopen_month, set_monthly_target
from .notices import MESSAGES, finance_people, managers
from .promotions import (
    SPENDING,
    decide_promotion,
    marketing_posts,
    note_case_decision,
    pay_promotion,
    refer_promotion,
    request_promotion,
)
from .supplier_cycle import (
    CYCLE_SOURCE,
    LATE_SOURCE,
    build_cycle,
    build_due_cycles,
    cycle_changes,
    cycle_suppliers,
    late_steps,
    mark_sent,
    raise_late_cases,
    record_invoice,
    record_settlement,
    remind_open_steps,
)
from .taobao import TAOBAO_KINDS, sync_taobao_days, tell_finance_taobao_refused
from .texts import TEXT_MAX, in_shop_language, shop_text

__all__ = [
    "CENT", "CYCLE_SOURCE", "LATE_SOURCE", "MAIL_LEASE", "MAX_AMOUNT", "MESSAGES", "MIN_WINDOW_DAYS", "OPPOSITE",
    "SPENDING", "TAOBAO_KINDS", "TEXT_MAX", "build_cycle", "build_day", "build_due_cycles", "close_month",
    "cycle_changes", "cycle_suppliers", "decide_promotion", "ensure_seed_data", "finance_calendar",
    "finance_people", "holiday_warning", "in_shop_language", "late_steps", "lock_month", "mail_management_report",
    "managers", "mark_sent", "marketing_posts", "may_decide", "may_pay", "may_refer", "money",
    "note_case_decision", "open_month_for", "pay_promotion", "raise_late_cases", "record_entry", "record_invoice",
    "record_settlement", "record_system_entry", "refer_promotion", "remind_open_steps", "reopen_month",
    "report_month", "report_readers", "report_url", "request_promotion", "reverse_entry", "send_monthly_report",
    "set_monthly_target", "shop_text", "sync_taobao_days", "tell_finance_taobao_refused", "window_of",
    "window_working_days",
]
