"""The import's files: kept under VAR_DIR/imports/ at upload, recognised when a file was already imported whole,
and opened as the export they are.
"""
import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .. import services, spreadsheets, taobao
from ..models import TaobaoImport

Status = TaobaoImport.Status


def imports_dir():
    return Path(settings.VAR_DIR) / "imports"


def file_path(taobao_import):
    return imports_dir() / taobao_import.stored_name


# --- upload ----------------------------------------------------------------------------------------------


def upload(source, *, filename, by):
    """Keep the uploaded file (a Django UploadedFile, or a path for the command line) under VAR_DIR/imports/
    and create its import, to be checked. A file over SHOPTEAM_UPLOAD_MAX_MB is refused before it is stored."""
    services.require_stock_rights(by)
    filename = Path(filename).name[:200] or "export"
    spreadsheets.check_size(source.size if hasattr(source, "chunks") else Path(source).stat().st_size, name=filename)
    suffix = Path(filename).suffix.lower()[:10]
    stored = f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"
    target = imports_dir() / stored
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    chunks = source.chunks() if hasattr(source, "chunks") else _file_chunks(source)
    try:
        with open(target, "wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                spreadsheets.check_size(size, name=filename)  # a stream longer than it said
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    same = (TaobaoImport.objects.filter(sha256=digest.hexdigest(), status=Status.DONE, problem_count=0)
            .order_by("-finished_at", "-pk").first())
    if same is not None:
        # Byte for byte a file already imported whole: importing it again would change nothing. Not read again.
        target.unlink()
        return TaobaoImport.objects.create(
            filename=filename, stored_name=same.stored_name, size=size, sha256=same.sha256, created_by=by,
            status=Status.SAME, same_as=same, kind=same.kind, file_format=same.file_format,
            rows_total=same.rows_total, finished_at=timezone.now())
    return TaobaoImport.objects.create(filename=filename, stored_name=stored, size=size, sha256=digest.hexdigest(),
                                       created_by=by)


def _file_chunks(path, size=1 << 20):
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


# --- check and import --------------------------------------------------------------------------------------


def open_file(taobao_import):
    """(kind, Table) of the import's file, its kind and format noted on the import."""
    kind, table = taobao.detect(file_path(taobao_import), name=taobao_import.filename)
    TaobaoImport.objects.filter(pk=taobao_import.pk).update(kind=kind, file_format=table.kind)
    taobao_import.kind, taobao_import.file_format = kind, table.kind
    return kind, table
