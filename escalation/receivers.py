"""What escalation does when the org chart tells it something: only calls its own services."""
from roles.signals import post_holders_changed

from . import services


def follow_post_holders(sender, *, posts=None, **kwargs):
    services.follow_post_holders(posts=posts)


def connect():
    post_holders_changed.connect(follow_post_holders, dispatch_uid="escalation.follow_post_holders")
