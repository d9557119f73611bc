"""After-sales tests use the playbook's team and its work schedules (a case's deadline needs them)."""
from tests.escalation.conftest import working_hours  # noqa: F401 - the fixture

__all__ = ["working_hours"]
