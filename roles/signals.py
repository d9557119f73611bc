"""What the org chart tells other apps, so that none of them has to import the admin or poll for it."""
from django.dispatch import Signal

# Sent after commit when who holds which post may have changed (an admin edit, or a start or end date reached
# by the nightly job). `posts` lists the posts concerned, or is None for "any post". Receivers only call a
# service of their own app (open cases and tasks owned by a post follow its holders).
post_holders_changed = Signal()
