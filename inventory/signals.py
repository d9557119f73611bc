"""What the inventory tells other apps (finance listens): sent after commit, never inside a transaction."""
from django.dispatch import Signal

# Sent after an import (or re-import) of Taobao exports commits: (sender, import_id, dates), `dates` the sorted
# Shanghai dates whose money (taobao_daily_money) may have changed.
orders_imported = Signal()
