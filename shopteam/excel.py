"""Every Excel file the shop downloads or is sent (tasks, stock, restock requests, finance reports), written with
openpyxl's write-only mode (memory flat in the number of rows): a bold header row, amounts written as numbers
from Decimal with the format 0.00 (never a float on the way), and one download response."""
import io
import tempfile
from decimal import Decimal
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


class Sheet:
    """One sheet of a write-only workbook: a header row in bold, then rows; Decimal cells get 0.00."""

    def __init__(self, workbook, title, headers, widths=None):
        self.ws = workbook.create_sheet(title=title[:31])
        for index, width in enumerate(widths or []):
            self.ws.column_dimensions[_column(index)].width = width
        self.ws.append([self._cell(header, bold=True) for header in headers])

    def _cell(self, value, *, bold=False):
        if isinstance(value, float):
            raise TypeError("amounts are never floats: pass a Decimal")
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, Decimal):
            cell.number_format = "0.00"
        if bold:
            cell.font = BOLD
        return cell

    def row(self, values, *, bold=False):
        self.ws.append([self._cell(value, bold=bold) for value in values])


def _column(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def workbook():
    return Workbook(write_only=True)


def to_bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def response(book, filename):
    """The workbook as a download, streamed from a temporary file (a big ledger never sits in memory whole);
    the file name may be Chinese (RFC 5987)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once streamed
    book.save(spool)
    spool.seek(0)
    reply = FileResponse(spool, content_type=XLSX)
    reply["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return reply
