"""The task list as an Excel workbook (openpyxl, written row by row so a long list stays small in memory)."""
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from shopteam.people import display_name

CHUNK = 2000


def owner_text(task):
    """The owner as a card names it: the person, or the post and whoever holds it today."""
    if task.owner_id is not None:
        return display_name(task.owner)
    holders = "、".join(display_name(a.user) for a in getattr(task.post, "current", []))
    return f"{task.post}（{holders or _('vacant')}）"


def _when(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def task_workbook(tasks):
    """The bytes of an .xlsx with one row per task of `tasks` (a queryset from selectors.task_list)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Tasks"))
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["E"].width = 24
    header = [_("No."), _("Title"), _("Status"), _("Priority"), _("Owner"), _("Department"), _("Due"),
              _("Source"), _("Subtasks"), _("Filed at"), _("Done")]
    sheet.append([_bold(sheet, text) for text in header])
    for task in tasks.iterator(chunk_size=CHUNK):
        sheet.append([
            task.pk, task.title, task.get_status_display(), task.get_priority_display(), owner_text(task),
            str(task.department or ""), _when(task.due), task.get_source_display(),
            f"{task.subtasks_done}/{task.subtask_count}" if task.subtask_count else "",
            _when(task.created_at), _when(task.done_at),
        ])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bold(sheet, text):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=str(text))
    cell.font = Font(bold=True)
    return cell
