"""Every Excel file the shop downloads or is sent (tasks, stock, restock requests, finance reports), written with
openpyxl's write-only mode (memory flat in the number of rows): a bold header row, amounts written as numbers
from Decimal with the format 0.00 (never a float on the way), rates as numbers with a percent format, and one
download response. Text is always written as text: a title someone typed as `=HYPERLINK(…)` (or starting with
+, -, @, a tab or a carriage return) is a string cell, never a formula, and characters a workbook cannot hold
are dropped instead of failing the download."""
import io
import re
import tempfile
from decimal import Decimal
from urllib.parse import quote

from django.http import FileResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
# What a spreadsheet program reads as the start of a formula (or of a DDE/command line).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


class Percent:
    """A rate (0.2534) written as the number 0.2534 with the format 0.0% (25.3%); None is written as —."""

    def __init__(self, rate):
        self.rate = rate


class Sheet:
    """One sheet of a write-only workbook: a header row in bold, then rows; Decimal cells get 0.00."""

    def __init__(self, workbook, title, headers, widths=None):
        self.ws = workbook.create_sheet(title=SHEET_TITLE_FORBIDDEN.sub(" ", _text(str(title)))[:31])
        for index, width in enumerate(widths or []):
            self.ws.column_dimensions[_column(index)].width = width
        self.ws.append([self._cell(header, bold=True) for header in headers])

    def _cell(self, value, *, bold=False):
        if isinstance(value, float):
            raise TypeError("amounts are never floats: pass a Decimal")
        percent = isinstance(value, Percent)
        if percent:
            value = value.rate if value.rate is not None else "—"
        elif isinstance(value, Promise):
            value = str(value)
        if isinstance(value, str):
            value = _text(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never "f": text that looks like a formula stays text
            if value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True  # and stays text when someone edits the cell in Excel
        elif percent:
            cell.number_format = "0.0%"
        elif isinstance(value, Decimal):
            cell.number_format = "0.00"
        if bold:
            cell.font = BOLD
        return cell

    def row(self, values, *, bold=False):
        self.ws.append([self._cell(value, bold=bold) for value in values])


def _text(value):
    """Text as a cell can hold it: without the control characters the file format refuses."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


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
