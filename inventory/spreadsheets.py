"""Reading the spreadsheets people upload (the seller centre's exports, a product catalogue): CSV in GB18030/GBK
or UTF-8 (with or without the BOM an Excel re-save adds), or .xlsx; columns found by their Chinese names,
never by position; rows streamed so memory stays flat however large the file.

A file that is not a table at all (an old .xls, random bytes, the wrong columns) is refused whole with a
message naming what is wrong (TableRefused); cells are cleaned of the exports' quirks (`="…"` ids, trailing
spaces, `null`, a phone's leading apostrophe).
"""
import codecs
import csv
import datetime
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls (or an encrypted workbook)
HEADER_SCAN_ROWS = 10
NULLS = {"null", "'null", "NULL", "None"}
# A cell `clean_cell` would change, in a row's cells joined by NUL: one starting with a space (`\s` is what
# str.strip() takes off), `=` or `'`, one ending with a space, or a `null`.
DIRTY = re.compile(r"(?:^|\x00)(?:[\s=']|(?:null|NULL|None)(?=\x00|$))|\s(?=\x00|$)")
csv.field_size_limit(1 << 24)


class TableRefused(ServiceError):
    """The whole file is refused: nothing in it is read."""


class ColumnsMissing(TableRefused):
    """A table, but without the columns asked for (it may be another kind of export). `found` counts the asked-for
    columns its best header row has, `missing` names the rest."""

    found, missing = 0, ()


MB = 1024 * 1024
# The start of each sheet's XML that is read for its <dimension ref="A1:Q12345"/> (it comes before the rows).
DIMENSION_SCAN_BYTES = 4096
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")


def check_size(size, *, name):
    """Refuse a file larger than SHOPTEAM_UPLOAD_MAX_MB before it is kept or read."""
    limit = settings.SHOPTEAM_UPLOAD_MAX_MB
    if size > limit * MB:
        raise TableRefused(_("%(file)s is %(size)s MB: files larger than %(limit)s MB are refused (the "
                             "SHOPTEAM_UPLOAD_MAX_MB setting). Export a shorter period, or split the file.")
                           % {"file": name, "size": f"{size / MB:.1f}", "limit": limit})


def row_limit_refusal(name):
    return TableRefused(_("%(file)s has more than %(limit)s rows: larger files are refused (the "
                          "SHOPTEAM_IMPORT_MAX_ROWS setting). Export a shorter period, or split the file.")
                        % {"file": name, "limit": f"{settings.SHOPTEAM_IMPORT_MAX_ROWS:,}"})


def check_xlsx(path, *, name):
    """Refuse an .xlsx before openpyxl reads it: one whose members unpack to more than
    SHOPTEAM_XLSX_MAX_UNCOMPRESSED_MB (a zip bomb), or a sheet whose dimension says more rows than
    SHOPTEAM_IMPORT_MAX_ROWS. Only the zip's directory and the first few KB of each sheet are read."""
    limit = settings.SHOPTEAM_XLSX_MAX_UNCOMPRESSED_MB
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(info.file_size for info in members)
            if unpacked > limit * MB:
                raise TableRefused(_("%(file)s unpacks to %(size)s MB: workbooks that unpack to more than "
                                     "%(limit)s MB are refused (the SHOPTEAM_XLSX_MAX_UNCOMPRESSED_MB setting).")
                                   % {"file": name, "size": f"{unpacked / MB:,.0f}", "limit": limit})
            for info in members:
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                with archive.open(info) as sheet:
                    head = sheet.read(DIMENSION_SCAN_BYTES)
                found = DIMENSION.search(head)
                if found and int(found.group(1)) > settings.SHOPTEAM_IMPORT_MAX_ROWS:
                    raise row_limit_refusal(name)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError) as error:
        raise TableRefused(_("%(file)s is not a readable .xlsx workbook (%(error)s).")
                           % {"file": name, "error": error.__class__.__name__}) from None


def _limit_rows(rows, name):
    """The rows, refused once there are more than SHOPTEAM_IMPORT_MAX_ROWS (a sheet without a dimension, a CSV)."""
    limit = settings.SHOPTEAM_IMPORT_MAX_ROWS
    for number, cells in rows:
        if number > limit + 1:  # the header row is not counted
            raise row_limit_refusal(name)
        yield number, cells


def header_name(value):
    """A column name as the exports spell it, without the spaces some years add (`订单付款时间 `)."""
    return re.sub(r"\s+", "", str(value or "")).lstrip("\ufeff")


def clean_cell(value):
    """A cell as text: `="351…"` unwrapped, spaces trimmed, `null` as empty, a leading apostrophe dropped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        # A number Excel stored: an integer-valued one loses its ".0"; a huge one is kept as Excel shows it
        # (e.g. 3.5153131473293578e+16), so an id checker can refuse it instead of guessing its digits.
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value).strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return "" if text in NULLS else text


class Table:
    """An opened file: `columns` (clean header name -> index), `header_row` (1-based), and `rows()` yielding
    (row number in the file, {column: clean text}) for each non-empty row after the header."""

    def __init__(self, *, name, columns, header_row, rows, kind, close=None):
        self.name, self.columns, self.header_row, self._rows, self.kind = name, columns, header_row, rows, kind
        self._close = close

    def rows(self):
        wanted = list(self.columns.items())
        names, indexes = list(self.columns), list(self.columns.values())
        width = max(indexes) + 1 if indexes else 0
        try:
            for number, cells in self._rows:
                if self.kind == "csv" and len(cells) >= width:  # as in clean_rows: clean only a row that needs it
                    picked = [cells[index] for index in indexes]
                    if DIRTY.search("\x00".join(picked)):
                        picked = [clean_cell(cell) for cell in picked]
                    values = dict(zip(names, picked, strict=True))
                else:
                    values = {column: clean_cell(cells[index]) if index < len(cells) else ""
                              for column, index in wanted}
                if any(values.values()):
                    yield number, values
        finally:
            self.close()

    def clean_rows(self):
        """What `rows()` yields, as (row number, [cell of each of `columns`, in order]): the fast way for many
        rows (the PostgreSQL import stages them): a CSV row whose cells need no cleaning is passed on as it is."""
        indexes = list(self.columns.values())
        width = max(indexes) + 1 if indexes else 0
        try:
            for number, cells in self._rows:
                if self.kind == "csv" and len(cells) >= width:
                    picked = [cells[index] for index in indexes]
                    if DIRTY.search("\x00".join(picked)):
                        picked = [clean_cell(cell) for cell in picked]
                else:
                    picked = [clean_cell(cells[index]) if index < len(cells) else "" for index in indexes]
                if any(picked):
                    yield number, picked
        finally:
            self.close()

    def on_close(self, callback):
        """Call `callback` too when the table is closed (after what closes the file)."""
        before = self._close

        def close():
            try:
                if before is not None:
                    before()
            finally:
                callback()
        self._close = close

    def close(self):
        if self._close is not None:
            self._close()
            self._close = None


def open_table(path, *, name, required, optional=(), any_of=()):
    """Open the file at `path` (uploaded as `name`) and find the header row that has every `required` column
    (and, if given, at least one column of each group in `any_of`: alternative spellings across years).
    Returns a Table mapping the found columns; refuses the file otherwise (one over the size or row limits too)."""
    check_size(Path(path).stat().st_size, name=name)
    with open(path, "rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise TableRefused(_("%(file)s is empty.") % {"file": name})
    if head.startswith(OLE_MAGIC):
        raise TableRefused(_("%(file)s is an old Excel .xls file (or an encrypted workbook): open it in Excel or "
                             "WPS and save it as .xlsx or CSV, then upload that.") % {"file": name})
    wanted = set(required) | set(optional) | {c for group in any_of for c in group}
    if head.startswith(XLSX_MAGIC):
        return _open_xlsx(path, name=name, required=required, wanted=wanted, any_of=any_of)
    return _open_csv(path, head, name=name, required=required, wanted=wanted, any_of=any_of)


def sniff_encoding(head):
    """UTF-8 (BOM or not) when the start decodes as UTF-8, else GB18030 (a superset of GBK and GB2312: 硚 is
    not in GB2312)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _not_a_table(name):
    return TableRefused(_("%(file)s is not a spreadsheet export: it is neither an .xlsx workbook nor a CSV text "
                          "file.") % {"file": name})


def _open_csv(path, head, *, name, required, wanted, any_of):
    if b"\x00" in head:
        raise _not_a_table(name)
    encoding = sniff_encoding(head)
    sample = head.decode(encoding, errors="replace")
    if sample.count("\ufffd") > 3:  # random bytes decode to noise
        raise _not_a_table(name)
    delimiter = "\t" if sample.split("\n", 1)[0].count("\t") > sample.split("\n", 1)[0].count(",") else ","

    def read():
        number = 0
        with open(path, encoding=encoding, newline="", errors="strict") as text:
            try:
                for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                    yield number, cells
            except UnicodeDecodeError:
                raise TableRefused(_("%(file)s is not readable text after line %(line)s: is it really the CSV the "
                                     "seller centre exported?") % {"file": name, "line": number}) from None
            except csv.Error as error:
                raise TableRefused(_("%(file)s cannot be read as CSV: %(error)s") % {"file": name, "error": error}) \
                    from None

    rows = _limit_rows(read(), name)
    return _find_header(rows, name=name, required=required, wanted=wanted, any_of=any_of, kind="csv")


def _open_xlsx(path, *, name, required, wanted, any_of):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx(path, name=name)
    handle = open(path, "rb")  # noqa: SIM115 - closed with the table; a file object: openpyxl judges a path by its extension, not its content
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as error:
        handle.close()
        raise TableRefused(_("%(file)s is not a readable .xlsx workbook (%(error)s).")
                           % {"file": name, "error": error.__class__.__name__}) from None

    def close():
        workbook.close()
        handle.close()

    # The export's sheet is not always the first, nor called Sheet1: take the first sheet with the columns.
    refusal = None
    for sheet in workbook.worksheets:
        rows = _limit_rows(((number, list(cells)) for number, cells in
                            enumerate(sheet.iter_rows(values_only=True), start=1)), name)
        try:
            table = _find_header(rows, name=name, required=required, wanted=wanted, any_of=any_of, kind="xlsx")
        except ColumnsMissing as error:
            refusal = refusal or error
        else:
            table._close = close
            return table
    close()
    raise refusal or _not_a_table(name)


def _find_header(rows, *, name, required, wanted, any_of, kind):
    required = [header_name(c) for c in required]
    best = None
    for seen, (number, cells) in enumerate(rows, start=1):
        names = [header_name(c) for c in cells]
        present = set(names)
        if all(c in present for c in required) and all(present & {header_name(c) for c in g} for g in any_of):
            columns = {}
            for index, column in enumerate(names):
                if column in {header_name(w) for w in wanted} and column not in columns:
                    columns[column] = index
            return Table(name=name, columns=columns, header_row=number, rows=rows, kind=kind)
        groups = [[header_name(c) for c in g] for g in any_of]
        found = len(present & set(required)) + sum(1 for g in groups if present & set(g))
        if best is None or found > best[0]:
            best = (found, [c for c in required if c not in present] + [g[0] for g in groups if not present & set(g)])
        if seen >= HEADER_SCAN_ROWS:
            break
    found, missing = best if best else (0, required + [header_name(g[0]) for g in any_of])
    error = ColumnsMissing(_("%(file)s does not have the columns this import needs: %(missing)s is missing. Is it "
                             "the right export?") % {"file": name, "missing": "、".join(missing)})
    error.found, error.missing = found, missing
    raise error

