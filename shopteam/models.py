"""Model pieces every app shares (abstract: no table of their own)."""
from django.db import models


class OneRowSettings(models.Model):
    """An app's settings: one row (pk 1, a check constraint in each subclass), edited in the admin with history."""

    class Meta:
        abstract = True

    @classmethod
    def current(cls):
        """The row (read only: every use reads it, so it is never written here), or the defaults without one."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
