"""The task list as an Excel workbook (openpyxl, written row by row so a long list stays small in memory)."""
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam import excel as xlsx

from . import selectors
from .labels import owner_text

CHUNK = 2000


def _when(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def task_workbook(tasks):
    """The workbook of the task list, one row per task of `tasks` (a queryset from selectors.task_list)."""
    book = xlsx.workbook()
    sheet = xlsx.Sheet(book, _("Tasks"), [
        _("No."), _("Title"), _("Status"), _("Priority"), _("Owner"), _("Department"), _("Due"), _("Source"),
        _("Subtasks"), _("Filed at"), _("Done"),
    ], widths=[8, 40, 10, 10, 24])
    holders = selectors.holders_by_post()
    for task in tasks.iterator(chunk_size=CHUNK):
        selectors.attach_holders([task], holders)
        sheet.row([
            task.pk, task.title, task.get_status_display(), task.get_priority_display(), owner_text(task),
            str(task.department or ""), _when(task.due), task.get_source_display(),
            f"{task.subtasks_done}/{task.subtask_count}" if task.subtask_count else "",
            _when(task.created_at), _when(task.done_at),
        ])
    return book
