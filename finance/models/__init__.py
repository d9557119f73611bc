"""The shop's money: the ledger and its months (ledger), promotion spend, targets and reports sent
(promotions), and the supplier cycle (cycles). Django finds the models through these names."""
from .cycles import CycleStep, SupplierCycle
from .ledger import (
    MONEY_DIGITS,
    MONEY_PLACES,
    Category,
    ClosedMonth,
    FixedCost,
    LedgerEntry,
    first_of_month,
    next_month,
)
from .promotions import FinanceSettings, ManagementReport, MonthlyTarget, PromotionRequest

__all__ = [
    "MONEY_DIGITS", "MONEY_PLACES", "Category", "ClosedMonth", "CycleStep", "FinanceSettings", "FixedCost",
    "LedgerEntry", "ManagementReport", "MonthlyTarget", "PromotionRequest", "SupplierCycle", "first_of_month",
    "next_month",
]
