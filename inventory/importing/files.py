"""The import's files: kept in Django's storage under imports/ at upload (SHOPTEAM_VAR_DIR/imports/ by default, a
shared bucket with SHOPTEAM_FILE_STORAGE=s3), recognised when a file was already imported whole, and opened as the
export they are.
"""
import hashlib
import uuid
from pathlib import Path

from django.utils import timezone

from shopteam import stored_files

from .. import services, spreadsheets, taobao
from ..models import TaobaoImport

Status = TaobaoImport.Status
FOLDER = "imports"  # in the storage


def file_name(taobao_import):
    """The import's file's name in the storage."""
    return f"{FOLDER}/{taobao_import.stored_name}"


def imports_dir():
    """The local storage's folder of imports (for an operator and the tests; another storage has none)."""
    return Path(stored_files.storage().path(FOLDER))


def file_path(taobao_import):
    """The file's path in the local storage (tests and operators; the app itself reads through the storage)."""
    return Path(stored_files.storage().path(file_name(taobao_import)))


def file_exists(taobao_import):
    return stored_files.exists(file_name(taobao_import))


# --- upload ----------------------------------------------------------------------------------------------


def upload(source, *, filename, by):
    """Keep the uploaded file (a Django UploadedFile, or a path for the command line) in the storage under
    imports/ and create its import, to be checked. A file over SHOPTEAM_UPLOAD_MAX_MB is refused before it is
    stored; one byte for byte already imported whole is not stored again."""
    services.require_stock_rights(by)
    filename = Path(filename).name[:200] or "export"
    spreadsheets.check_size(source.size if hasattr(source, "chunks") else Path(source).stat().st_size, name=filename)
    if hasattr(source, "chunks"):
        return _upload(source, filename=filename, by=by)
    with open(source, "rb") as handle:
        return _upload(handle, filename=filename, by=by)


def _upload(handle, *, filename, by):
    digest, size = hashlib.sha256(), 0
    for chunk in handle.chunks() if hasattr(handle, "chunks") else iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
        spreadsheets.check_size(size, name=filename)  # a stream longer than it said
    handle.seek(0)
    same = (TaobaoImport.objects.filter(sha256=digest.hexdigest(), status=Status.DONE, problem_count=0)
            .order_by("-finished_at", "-pk").first())
    if same is not None:
        # Byte for byte a file already imported whole: importing it again would change nothing. Not stored.
        return TaobaoImport.objects.create(
            filename=filename, stored_name=same.stored_name, size=size, sha256=same.sha256, created_by=by,
            status=Status.SAME, same_as=same, kind=same.kind, file_format=same.file_format,
            rows_total=same.rows_total, finished_at=timezone.now())
    suffix = Path(filename).suffix.lower()[:10]
    saved = stored_files.save(f"{FOLDER}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}", handle)
    return TaobaoImport.objects.create(filename=filename, stored_name=saved.removeprefix(f"{FOLDER}/"), size=size,
                                       sha256=digest.hexdigest(), created_by=by)


# --- check and import --------------------------------------------------------------------------------------


def open_file(taobao_import):
    """(kind, Table) of the import's file, its kind and format noted on the import."""
    path, keeper = stored_files.readable(file_name(taobao_import))
    try:
        kind, table = taobao.detect(path, name=taobao_import.filename)
    except BaseException:
        if keeper is not None:
            keeper.close()
        raise
    if keeper is not None:
        table.on_close(keeper.close)  # a temporary copy goes with the table (or with it forgotten)
    TaobaoImport.objects.filter(pk=taobao_import.pk).update(kind=kind, file_format=table.kind)
    taobao_import.kind, taobao_import.file_format = kind, table.kind
    return kind, table
