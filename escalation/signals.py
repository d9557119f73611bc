"""What the escalation app tells other apps, so that none of them has to poll cases.

`case_resolved` is sent inside the transaction that resolves a case (args: case, by), so a receiver's change
(a task about the case marked done, a request decided) commits or rolls back with the resolution. Receivers
call a service of their own app and look at `case.subject` to find their object.
"""
from django.dispatch import Signal

case_resolved = Signal()
