"""Backing the shop up and restoring it: the database and the stored files, in one folder.

A backup folder holds `database.dump` (PostgreSQL's `pg_dump` custom format) or `database.sqlite3` (SQLite's online
backup, consistent while the web server and the worker write), `files.tar.gz` (the uploaded exports and uploads,
read through Django's storage: SHOPTEAM_VAR_DIR's imports/ and uploads/, or the shared bucket) and `manifest.json`
(when, which engine, the rows of every table and the files, so a restore can say it got everything back).
Restoring writes the database (the configured one, or another named by URL) and the files back (into the storage,
or a folder named), then compares the rows and files with the manifest.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import environ
import psycopg2
from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import stored_files
from .errors import ServiceError

FILE_DIRS = ("imports", "uploads")  # in the storage: what people uploaded; the rest can be made again
MANIFEST = "manifest.json"
FILES = "files.tar.gz"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


@dataclass(frozen=True)
class Restored:
    rows: dict[str, int]
    files: int
    missing: dict[str, tuple[int, int]]  # table or "files": (in the backup, after restoring), where they differ


def backup(folder: Path | None = None) -> Path:
    """Back the shop up into `folder` (default SHOPTEAM_VAR_DIR/backups/<time>/); returns the folder."""
    folder = Path(folder or Path(settings.VAR_DIR) / "backups" / timezone.localtime().strftime("%Y%m%d-%H%M%S"))
    folder.mkdir(parents=True, exist_ok=True)
    database = settings.DATABASES["default"]
    if _is_postgres(database):
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={folder / PG_DUMP}",
              *_pg_args(database)], database)
    else:
        _sqlite_copy(database["NAME"], folder / SQLITE_COPY)
    files = 0
    storage = stored_files.storage()
    with tarfile.open(folder / FILES, "w:gz") as archive:
        for name in (name for root in FILE_DIRS for name in stored_files.walk(root)):
            member = tarfile.TarInfo(name)
            member.size = storage.size(name)
            with contextlib.suppress(NotImplementedError):
                member.mtime = storage.get_modified_time(name).timestamp()
            with stored_files.open_stored(name) as source:
                archive.addfile(member, source)
            files += 1
    manifest = {"made_at": timezone.now().isoformat(), "engine": _engine(database),
                "rows": table_rows(), "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return folder


def restore(folder: Path, *, database_url: str | None = None, var_dir: Path | None = None) -> Restored:
    """Restore a backup folder into the configured database (or the one `database_url` names, which must exist and
    may be empty) and its files into SHOPTEAM_VAR_DIR (or `var_dir`); then count what came back."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ServiceError(f"{folder} is not a Shopteam backup (no readable {MANIFEST}: {error})") from error
    database = environ.Env.db_url_config(database_url) if database_url else settings.DATABASES["default"]
    if manifest["engine"] != _engine(database):
        raise ServiceError(f"The backup is of a {manifest['engine']} database; the target is not.")
    if _is_postgres(database):
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--exit-on-error",
              *_pg_args(database), str(folder / PG_DUMP)], database)
    else:
        _sqlite_copy(folder / SQLITE_COPY, database["NAME"])
    with tarfile.open(folder / FILES, "r:gz") as archive:
        if var_dir:
            var_dir = Path(var_dir)
            archive.extractall(var_dir, filter="data")  # "data": no absolute paths, links or devices out of var_dir
            files = sum(1 for name in FILE_DIRS for path in (var_dir / name).rglob("*") if path.is_file())
        else:
            _restore_into_storage(archive)
            files = sum(1 for root in FILE_DIRS for _name in stored_files.walk(root))
    rows = table_rows(database if database_url else None)
    missing = {table: (count, rows.get(table, 0)) for table, count in manifest["rows"].items()
               if rows.get(table, 0) != count}
    if files < manifest["files"]:
        missing["files"] = (manifest["files"], files)
    return Restored(rows, files, missing)


def _restore_into_storage(archive: tarfile.TarFile) -> None:
    """Each file of the backup written back through the storage under its own name (replacing what is there)."""
    for member in archive:
        member = tarfile.data_filter(member, "")  # no absolute paths, links or devices
        if not member.isfile() or member.name.split("/", 1)[0] not in FILE_DIRS:
            continue
        stored_files.delete(member.name)
        source = archive.extractfile(member)
        assert source is not None
        saved = stored_files.save(member.name, source)
        if saved != member.name:
            raise ServiceError(f"{member.name} could not be written back under its own name (got {saved}).")


def table_rows(database: dict[str, Any] | None = None) -> dict[str, int]:
    """The rows of every table of the app's models (Django's own included), by table name: in the app's database,
    or in `database` (settings as DATABASES holds them) through a connection of its own."""
    from django.apps import apps

    tables = sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)
                     if model._meta.managed and not model._meta.proxy})
    if database is None:
        with connection.cursor() as cursor:
            return _count(cursor, tables, set(connection.introspection.table_names(cursor)))
    if _is_postgres(database):
        other = psycopg2.connect(dbname=database["NAME"], host=database.get("HOST") or None,
                                 port=database.get("PORT") or None, user=database.get("USER") or None,
                                 password=database.get("PASSWORD") or None)
        listing = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    else:
        other = sqlite3.connect(database["NAME"])
        listing = "SELECT name FROM sqlite_master WHERE type = 'table'"
    try:
        cursor = other.cursor()
        cursor.execute(listing)
        return _count(cursor, tables, {row[0] for row in cursor.fetchall()})
    finally:
        other.close()


def _count(cursor: Any, tables: list[str], found: set[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        if table in found:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # the names come from the models
            counts[table] = cursor.fetchone()[0]
    return counts


def _is_postgres(database: dict[str, Any]) -> bool:
    return "postgresql" in database["ENGINE"]


def _engine(database: dict[str, Any]) -> str:
    return "postgresql" if _is_postgres(database) else "sqlite"


def _sqlite_copy(source: Path | str, target: Path | str) -> None:
    """SQLite's online backup: a consistent copy while others write (a file copy under writes is not)."""
    source_db, target_db = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with target_db:
            source_db.backup(target_db)
    finally:
        source_db.close()
        target_db.close()


def _pg_args(database: dict[str, Any]) -> list[str]:
    args = [f"--dbname={database['NAME']}"]
    if database.get("HOST"):
        args.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        args.append(f"--port={database['PORT']}")
    if database.get("USER"):
        args.append(f"--username={database['USER']}")
    return args


def _run(command: list[str], database: dict[str, Any]) -> None:
    if shutil.which(command[0]) is None:
        raise ServiceError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    env = {**os.environ, "PGPASSWORD": str(database.get("PASSWORD") or "")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=2 * 3600)
    if done.returncode:
        raise ServiceError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
