"""What a person may do to a case now: one rule, asked by the case page (which buttons to show) and by
escalation.services (what to refuse), so the template does not restate the case's state machine.

`refusal(case, user, action)` is the reason `action` is refused (None: allowed); `allowed_actions(case, user)` the
set allowed, in the order the page shows its buttons. The case page, which has read the case through the visibility
rule already, passes `visible=True`."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from roles.selectors import is_shop_manager
from shopteam.errors import ServiceError
from shopteam.people import display_name

from . import selectors
from .models import Case

# In the order the page shows their buttons.
ACTIONS = ("accept", "resolve", "ask", "pass", "answer", "reopen", "comment")
# The decisions of the people the case is with: refused on a resolved case and to anyone else.
DECISIONS = ("accept", "resolve", "ask", "pass")


def refusal(case: Case, user: User, action: str, *, contact: bool | None = None,
            visible: bool | None = None) -> str | None:
    """The people a case is with accept it (once), ask its reporter (once at a time), pass it on (until the last
    step) and resolve it; its reporter answers a question asked; a resolved case is reopened by its reporter (by the
    shop manager when Shopteam raised it); whoever may see an open case comments on it. `contact` and `visible`,
    when the caller knows them, save their queries."""
    if action in DECISIONS:
        if not case.is_open:
            return _("This case is resolved; its reporter can reopen it.")
        if action == "accept" and case.handler_id:
            return _("%(name)s has already accepted this case.") % {"name": display_name(case.handler)}
        if not (selectors.is_current_contact(case, user) if contact is None else contact):
            return _("Only the people this case is with can do that.")
        if action == "ask":
            if case.reporter_id is None:
                return _("Shopteam raised this case: there is no reporter to ask. Comment, pass it on or resolve it.")
            if case.status == Case.Status.NEEDS_INFO:
                return _("The reporter has already been asked; wait for the answer.")
        if action == "pass" and (case.at_last_step or case.with_admins):
            return _("The shop manager is the last step: this case cannot be passed on further.")
        return None
    if action == "answer":
        if case.reporter_id is None or user.pk != case.reporter_id:
            return _("Only the reporter can answer.")
        if case.status != Case.Status.NEEDS_INFO:
            return _("Nobody is waiting for an answer on this case.")
        return None
    if action == "reopen":
        if not (user.pk == case.reporter_id if case.reporter_id else is_shop_manager(user)):
            return _("Only the reporter can reopen a case.")
        if case.is_open:
            return _("This case is still open.")
        return None
    if action == "comment":
        if not (selectors.can_see(case, user) if visible is None else visible):
            return _("Only the people involved in this case can comment on it.")
        if not case.is_open:
            return _("This case is resolved; its reporter can reopen it.")
        return None
    return _("There is no such thing to do with a case.")


def require(case: Case, user: User, action: str) -> None:
    """Raise ServiceError with the reason when `refusal` refuses `action`."""
    reason = refusal(case, user, action)
    if reason:
        raise ServiceError(reason)


def allowed_actions(case: Case, user: User, *, visible: bool | None = None) -> list[str]:
    """The actions `refusal` allows `user` on `case` now, in the order the page shows them: its buttons."""
    contact = case.is_open and selectors.is_current_contact(case, user)
    return [action for action in ACTIONS if refusal(case, user, action, contact=contact, visible=visible) is None]
