"""The one error type services raise; its messages are meant for the user who caused it."""
from django.contrib import messages as django_messages
from django.utils.translation import gettext as _


class ServiceError(Exception):
    """A rule of the shop refused the change; nothing was changed.

    It carries one message or several (an import refuses every bad row at once, a stock shortage names
    every product): `messages` is always the whole list, `message` the first one.
    """

    def __init__(self, message_or_messages):
        if isinstance(message_or_messages, list | tuple):
            found = [m for m in message_or_messages if m]
        else:
            found = [message_or_messages]
        if not found:
            raise ValueError("a ServiceError needs at least one message")
        self.messages = found
        self.message = found[0]
        super().__init__("; ".join(str(m) for m in found))

    def __str__(self):
        return "; ".join(str(m) for m in self.messages)


def show_errors(target, error):
    """Show every message of `error`: on a form (as non-field errors) or, given a request, as page messages."""
    for message in error.messages:
        if hasattr(target, "add_error"):
            target.add_error(None, message)
        else:
            django_messages.error(target, message)


def text_problems(text, *, limit, required=None, label=None):
    """The trimmed text a person wrote, and what is wrong with it: `required` when they wrote nothing (if the
    text is required), or that it is longer than `limit` characters (nothing is cut silently). `label` names
    the field in the message when a form has several texts."""
    text = (text or "").strip()
    problems = []
    if not text and required:
        problems.append(required)
    if len(text) > limit:
        message = _("Keep it under %(limit)s characters (this has %(length)s).") % {
            "limit": f"{limit:,}", "length": f"{len(text):,}"}
        problems.append(_("%(label)s: %(message)s") % {"label": label, "message": message} if label else message)
    return text, problems


def checked_text(text, *, limit, required=None, label=None):
    """The trimmed text, or a ServiceError saying what is wrong with it (see text_problems)."""
    text, problems = text_problems(text, limit=limit, required=required, label=label)
    if problems:
        raise ServiceError(problems)
    return text
