"""What a person may do to a stock move or a restock request now: one rule per kind of object, asked by the pages
(which buttons to show) and by the services (what to refuse), so neither restates the other.

Each kind has `<kind>_refusal(obj, user, action)`, the reason `action` is refused (None: allowed), and
`<kind>_actions(obj, user)`, the set of actions allowed; `allowed_actions(obj, user)` and `refusal(obj, user,
action)` answer for either kind (the pages pass the first to their templates, the services ask the second).
`user` None is Shopteam itself (a job). Pass `may_change` when it is already known (a page of many moves asks the
org chart once)."""
from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError
from shopteam.people import moment_text

from . import selectors
from .models import RestockRequest, StockMove

Person = User | AnonymousUser | None  # who asks: a signed-in person, a visitor, or None for Shopteam itself


def require(refusal: str | None) -> None:
    """Raise a rule's refusal, if it has one."""
    if refusal:
        raise ServiceError(refusal)


def may_change_stock(user: Person) -> bool:
    return user is None or selectors.can_change_stock(user)


def stock_rights_refusal(user: Person) -> str | None:
    """Who changes stock at all (moves, counts, imports, products, restock requests): the product group, the shop
    manager and the admins."""
    return None if may_change_stock(user) else _no_rights()


def _no_rights() -> str:
    return _("Only the product group, the shop manager and the admins can change stock.")


# --- stock moves -------------------------------------------------------------------------------------------

MOVE_ACTIONS = ("reverse",)


def from_an_import(move: StockMove) -> bool:
    return move.order_line_id is not None or move.taobao_import_id is not None


def move_refusal(move: StockMove, user: Person, action: str = "reverse", *,
                 may_change: bool | None = None) -> str | None:
    """Reverse: a move a person recorded, not yet reversed, not itself a reversal. A move an import wrote is the
    import's count of what it sold: it is corrected only by importing (a reversal here would leave the import
    thinking the line sold, and stock one unit too high where the drift check cannot see it)."""
    if action not in MOVE_ACTIONS:
        return _("Unknown action.")
    if not (may_change_stock(user) if may_change is None else may_change):
        return _no_rights()
    if from_an_import(move):
        return _("%(move)s was written by a Taobao import (%(reference)s): it is corrected only by importing. "
                 "Import the export that shows the change (the closed order or the refund), and the import "
                 "reverses it.") % {"move": move.get_kind_display(), "reference": move.reference or "—"}
    if move.kind == StockMove.Kind.REVERSAL:
        return _("A reversal cannot be reversed: record a new move instead.")
    reversal = getattr(move, "reversed_by", None)
    if reversal is not None:
        return _("This move was already reversed on %(when)s.") % {"when": moment_text(reversal.recorded_at)}
    return None


def move_actions(move: StockMove, user: Person, *, may_change: bool | None = None) -> set[str]:
    return {action for action in MOVE_ACTIONS if move_refusal(move, user, action, may_change=may_change) is None}


# --- restock requests --------------------------------------------------------------------------------------

# action: (the statuses it is taken from, the status it leads to)
RESTOCK_MOVES = {
    "send": ((RestockRequest.Status.DRAFT,), RestockRequest.Status.SENT),
    "receive": ((RestockRequest.Status.SENT,), RestockRequest.Status.RECEIVED),
    "cancel": ((RestockRequest.Status.DRAFT, RestockRequest.Status.SENT), RestockRequest.Status.CANCELLED),
}


# actions that change a request's lines, not its status: the statuses they are taken in
RESTOCK_EDITS = {
    "edit": (RestockRequest.Status.DRAFT,),
}
RESTOCK_ACTIONS = (*RESTOCK_MOVES, *RESTOCK_EDITS)


def restock_refusal(restock: RestockRequest, user: Person, action: str, *,
                    may_change: bool | None = None) -> str | None:
    """Send a draft that has lines; receive a sent request; cancel a draft or a sent one; edit the quantities of
    a draft's lines (once it is sent, the supplier has the figures)."""
    if action not in RESTOCK_ACTIONS:
        return _("Unknown action.")
    if not (may_change_stock(user) if may_change is None else may_change):
        return _no_rights()
    if action in RESTOCK_EDITS:
        if restock.status not in RESTOCK_EDITS[action]:
            return _("This request is %(status)s: its quantities can be edited only while it is a draft.") % {
                "status": restock.get_status_display()}
        if not restock.lines.exists():
            return _("The request has no lines to edit.")
        return None
    allowed, target = RESTOCK_MOVES[action]
    if restock.status not in allowed:
        return _("This request is %(status)s: it cannot be %(target)s.") % {
            "status": restock.get_status_display(), "target": RestockRequest.Status(target).label}
    if action == "send" and not restock.lines.exists():
        return _("The request has no lines to send.")
    return None


def restock_actions(restock: RestockRequest, user: Person, *, may_change: bool | None = None) -> set[str]:
    may_change = may_change_stock(user) if may_change is None else may_change
    return {action for action in RESTOCK_ACTIONS if restock_refusal(restock, user, action, may_change=may_change)
            is None}


# --- either kind ------------------------------------------------------------------------------------------


def allowed_actions(obj: StockMove | RestockRequest, user: Person, *, may_change: bool | None = None) -> set[str]:
    """What `user` may do to this move or restock request now: the buttons its page shows."""
    if isinstance(obj, StockMove):
        return move_actions(obj, user, may_change=may_change)
    return restock_actions(obj, user, may_change=may_change)


def refusal(obj: StockMove | RestockRequest, user: Person, action: str, *,
            may_change: bool | None = None) -> str | None:
    """Why `user` may not take `action` on this move or restock request now (None: allowed): what its service
    refuses."""
    if isinstance(obj, StockMove):
        return move_refusal(obj, user, action, may_change=may_change)
    return restock_refusal(obj, user, action, may_change=may_change)
