"""Files people uploaded, kept in Django's default storage (STORAGES["default"]): SHOPTEAM_VAR_DIR on one machine,
an S3-compatible bucket with SHOPTEAM_FILE_STORAGE=s3, so that a worker on another machine reads what a web
process stored. Stored, read (streamed) and deleted through the storage, never by a path of their own.

A reader that truly needs a path on disk (openpyxl seeks; an export is opened once per kind it might be) gets the
file itself when the storage is local, else one temporary copy streamed from `storage.open()`, removed when it is
closed or forgotten.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage

CHUNK = 1 << 20


class VarDirStorage(FileSystemStorage):
    """The local storage: files under SHOPTEAM_VAR_DIR, read when used (so a test's or a command's VAR_DIR holds
    them too)."""

    @property
    def base_location(self) -> str:
        return str(self._value_or_setting(getattr(self, "_location", None), settings.VAR_DIR))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def storage() -> Any:
    return default_storage


def save(name: str, content: Any) -> str:
    """Store `content` (a Django File or UploadedFile, or an open binary file) under `name`; the name it got."""
    if not hasattr(content, "chunks"):
        content = File(content, name=PurePosixPath(name).name)
    return storage().save(name, content)


def exists(name: str) -> bool:
    return bool(name) and storage().exists(name)


def delete(name: str) -> bool:
    """Remove the stored file; whether it was there."""
    if not exists(name):
        return False
    storage().delete(name)
    return True


def open_stored(name: str) -> IO[bytes]:
    """The stored file opened for reading (streamed; a FileResponse can send it)."""
    return storage().open(name, "rb")


def readable(name: str) -> tuple[Path, Any]:
    """(a path on disk holding the stored file, what to close when done with it, or None). The local storage's
    own file; any other storage's streamed into a temporary file, deleted when the returned keeper is closed or
    garbage-collected."""
    try:
        return Path(storage().path(name)), None
    except NotImplementedError:  # not on this machine's disk
        pass
    suffix = PurePosixPath(name).suffix
    copy = tempfile.NamedTemporaryFile(prefix="shopteam-", suffix=suffix)  # noqa: SIM115 - the caller closes it
    try:
        with open_stored(name) as source:
            shutil.copyfileobj(source, copy, CHUNK)
        copy.flush()
    except BaseException:
        copy.close()
        raise
    return Path(copy.name), copy


@contextlib.contextmanager
def local_path(name: str) -> Iterator[Path]:
    """`readable` for a reader done within the block."""
    path, keeper = readable(name)
    try:
        yield path
    finally:
        if keeper is not None:
            keeper.close()


def walk(folder: str) -> Iterable[str]:
    """Every stored file's name under `folder` (a storage name such as "imports"), sorted."""
    try:
        folders, files = storage().listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{folder}/{name}" for name in files]
    for sub in folders:
        names.extend(walk(f"{folder}/{sub}"))
    return sorted(names)
