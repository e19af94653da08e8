"""``deltawatch backup`` and ``restore``: the whole installation in one ZIP, for SQLite and
PostgreSQL alike, and back into an empty database of either kind.

The archive::

    manifest.json                       what is inside, and how to check it (below)
    data/<app_label>.<model>.jsonl      every row of every table, one JSON object a line
    files/evidence/<yyyy>/<mm>/<file>   the task ledger's evidence files (data directory)

Rows are Django's own serialisation (the "python" serializer, as ``dumpdata`` writes it:
``{"model", "pk", "fields"}``), written a model at a time and a chunk at a time, so that a
table of millions of observations is streamed rather than held in memory (``dumpdata`` builds
its JSON list whole, and ``loaddata`` reads it whole). Primary keys are kept — an index run
names the newest observation it read by its id, a published report its run — and references
to content types and permissions, which ``migrate`` makes anew with other ids in every
database, are written as natural keys (``["plans", "task"]``). Those two tables and the
sessions are not copied (after a restore everyone signs in again). Timestamps keep their
microseconds (``dumpdata``'s JSON cuts them to milliseconds).

The manifest: format and version, DeltaWatch and Django versions, the database vendor, the
migrations applied, and per table and file its member, row count or size, and SHA-256.

Reading is one snapshot: a read transaction on SQLite (WAL: writers go on), a REPEATABLE READ
READ ONLY transaction on PostgreSQL. Restoring checks every member's SHA-256 before the
database is touched, refuses a backup made by a newer DeltaWatch (migrations this code does
not know) and a database that holds data (unless told to replace it: then it is flushed
first), creates the tables (``migrate``), and loads every row in one transaction — counts
checked against the manifest, sequences reset — then writes the files. Rows are inserted as
``loaddata`` does — each value through its field's ``to_python`` and ``get_db_prep_save``, as
stored: no signals (no change records), no ``auto_now`` overwriting the stored times — but a
chunk at a time with ``executemany`` rather than an object at a time.

The secret key (``DELTAWATCH_HOME/secret_key``) is not in the archive: it is not data, and
whoever holds the archive should not be able to sign sessions. Keep it apart, or set
``DELTAWATCH_SECRET_KEY``; without it everyone signs in again, nothing else is lost.

The SHA-256 sums detect damage (a truncated copy, a bad disk), not a forger who rewrites the
manifest too: keep backups where only the operators can write.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import io
import json
import os
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from deltawatch.i18n import gettext_noop, word

FORMAT = "deltawatch-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Made by ``migrate`` in every database (with ids of its own), or not worth keeping.
EXCLUDED = frozenset({"contenttypes.contenttype", "auth.permission", "sessions.session"})
# Folders of the data directory whose files belong to the data (``plans.models.evidence_storage``).
# ``uploads/`` is not one: it holds uploads waiting for their confirmation, for a few minutes.
FILE_FOLDERS = ("evidence",)
CHUNK = 2000

MESSAGES = {
    "not_a_backup": gettext_noop("{path} 不是 DeltaWatch 备份文件（{reason}）。"),
    "damaged": gettext_noop("备份文件已损坏或被改动，未恢复任何数据：{members}（SHA-256 与清单不符或缺失）。"),
    "unlisted": gettext_noop("备份文件含有清单未列出的成员，未恢复任何数据：{members}。"),
    "unsafe_path": gettext_noop("备份文件中的路径不安全，未恢复任何数据：{members}。"),
    "newer": gettext_noop("该备份由更新版本的 DeltaWatch 制作（本版本不认识迁移 {migrations}）：请先升级 DeltaWatch 再恢复。"),
    "unknown_model": gettext_noop("该备份含有本版本没有的数据表或字段：{models}。"),
    "not_empty": gettext_noop("数据库中已有数据（{counts}）：恢复会先清空它。确认要替换时请加 --yes。"),
    "count_mismatch": gettext_noop("{model} 载入 {loaded} 行，而清单记载 {listed} 行；已回滚，未恢复任何数据。"),
}


class BackupError(Exception):
    """A backup that cannot be made or restored, worded by :meth:`message`; nothing changed."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = "zh") -> str:
        return word(MESSAGES[self.key], lang, **self.params)


# ----------------------------------------------------------------------------- what is kept

def backup_models() -> list:
    """The models whose rows are backed up, in dependency order (natural keys first)."""
    from django.apps import apps
    from django.core import serializers

    ordered = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()],
                                            allow_cycles=True)
    return [m for m in ordered if m._meta.label_lower not in EXCLUDED and m._meta.managed and not m._meta.proxy]


def _member(model) -> str:
    return f"data/{model._meta.label_lower}.jsonl"


def _natural_keys():
    """id → natural key of the content types and permissions (made anew by migrate elsewhere)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    types = {ct.id: [ct.app_label, ct.model] for ct in ContentType.objects.all()}
    permissions = {p.id: [p.codename, *types[p.content_type_id]] for p in Permission.objects.all()}
    return {"contenttypes.contenttype": types, "auth.permission": permissions}


def _encode(value):
    """JSON for what the python serializer leaves as objects: full-precision times, decimals as text."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot encode {type(value).__name__}")


def _records(model, keys: dict):
    """The model's rows as serializer dicts (``{"model", "pk", "fields"}``), by primary key, a
    chunk at a time. Models with many-to-many fields (accounts, groups: few rows) go through
    Django's serializer; the others are read as value tuples and put in the same form — the
    serializer builds a model instance per row, a third of the time of a million-row table."""
    natural = {f.name: f.related_model._meta.label_lower for f in [*model._meta.fields, *model._meta.many_to_many]
               if f.is_relation and f.related_model and f.related_model._meta.label_lower in keys}
    many = [f.name for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]
    if many:
        yield from _serialised_records(model, many, natural, keys)
    else:
        yield from _value_records(model, natural, keys)


def _serialised_records(model, many: list[str], natural: dict, keys: dict):
    chunk = []
    for obj in model._base_manager.order_by("pk").prefetch_related(*many).iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) == CHUNK:
            yield from _serialised(chunk, natural, keys)
            chunk = []
    yield from _serialised(chunk, natural, keys)


def _serialised(objects, natural: dict, keys: dict):
    from django.core import serializers

    for record in serializers.serialize("python", objects):
        fields = record["fields"]
        for name, label in natural.items():
            value = fields.get(name)
            if isinstance(value, list):
                fields[name] = [keys[label][v] for v in value]
            elif value is not None:
                fields[name] = keys[label][value]
        yield record


def _value_records(model, natural: dict, keys: dict):
    """What the python serializer gives (a foreign key as the related id, a binary value as
    base64, a JSON value as itself, dates and numbers as they are), read as value tuples."""
    from django.db import models as m

    label = model._meta.label_lower
    fields = [f for f in model._meta.local_concrete_fields if f.serialize]
    converters = []
    for f in fields:
        if f.name in natural:
            converters.append(lambda v, table=keys[natural[f.name]]: None if v is None else table[v])
        elif isinstance(f, m.BinaryField):
            converters.append(lambda v: None if v is None else _encode(v))
        else:
            converters.append(None)
    names = [f.name for f in fields]
    query = model._base_manager.order_by("pk").values_list("pk", *[f.attname for f in fields])
    for pk, *values in query.iterator(chunk_size=CHUNK):
        yield {"model": label, "pk": pk,
               "fields": {name: (convert(value) if convert else value)
                          for name, convert, value in zip(names, converters, values)}}


# ---------------------------------------------------------------------------------- backup

@dataclass
class BackupOutcome:
    path: str
    vendor: str
    rows: int = 0
    tables: int = 0
    files: int = 0
    counts: dict = field(default_factory=dict)


class _Snapshot:
    """One consistent read of the whole database: every table as of the same moment."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        from django.db import transaction

        if self.connection.vendor == "sqlite":
            # A deferred read transaction (Django's own would take the write lock: IMMEDIATE);
            # under WAL, writers carry on while the backup reads its snapshot.
            self.connection.ensure_connection()
            self.connection.cursor().execute("BEGIN DEFERRED")
            self.atomic = None
        else:
            self.atomic = transaction.atomic(using=self.connection.alias)
            self.atomic.__enter__()
            if self.connection.vendor == "postgresql":
                self.connection.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return self

    def __exit__(self, *exc):
        if self.atomic is None:
            self.connection.cursor().execute("COMMIT")
            return False
        return self.atomic.__exit__(*exc)


def applied_migrations(connection) -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def create_backup(path, *, progress=None) -> BackupOutcome:
    """Write the backup ZIP of the default database and the data directory's files to ``path``
    (through a temporary file beside it: an interrupted backup leaves no half archive)."""
    import django
    from django.conf import settings
    from django.db import connection

    import deltawatch

    path = Path(path)
    outcome = BackupOutcome(str(path), connection.vendor)
    temporary = path.with_name(f".{path.name}.partial")
    tables, files = [], []
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            with _Snapshot(connection):
                migrations = applied_migrations(connection)
                keys = _natural_keys()
                for model in backup_models():
                    entry = _write_table(archive, model, keys)
                    tables.append(entry)
                    outcome.counts[entry["model"]] = entry["count"]
                    outcome.rows += entry["count"]
                    if progress:
                        progress(entry["model"], entry["count"])
            for folder in FILE_FOLDERS:
                files += _write_files(archive, Path(settings.DATA_DIR), folder)
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "deltawatch_version": deltawatch.__version__, "django_version": django.get_version(),
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "database": {"vendor": connection.vendor}, "migrations": migrations,
                "tables": tables, "files": files,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    outcome.tables, outcome.files = len(tables), len(files)
    return outcome


def _write_table(archive: zipfile.ZipFile, model, keys: dict) -> dict:
    member, digest, count = _member(model), hashlib.sha256(), 0
    with archive.open(member, "w", force_zip64=True) as raw:
        buffer = []
        for record in _records(model, keys):
            buffer.append(json.dumps(record, ensure_ascii=False, default=_encode, separators=(",", ":"), sort_keys=True))
            count += 1
            if len(buffer) >= CHUNK:
                _flush_lines(raw, digest, buffer)
        _flush_lines(raw, digest, buffer)
    return {"model": model._meta.label_lower, "member": member, "count": count, "sha256": digest.hexdigest()}


def _flush_lines(raw, digest, buffer: list[str]) -> None:
    if buffer:
        data = ("\n".join(buffer) + "\n").encode("utf-8")
        digest.update(data)
        raw.write(data)
        buffer.clear()


def _write_files(archive: zipfile.ZipFile, data_dir: Path, folder: str) -> list[dict]:
    root = data_dir / folder
    entries = []
    for file in sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []:
        relative = file.relative_to(data_dir).as_posix()
        member, digest = f"files/{relative}", hashlib.sha256()
        with open(file, "rb") as source, archive.open(member, "w", force_zip64=True) as target:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                target.write(block)
        entries.append({"member": member, "path": relative, "size": file.stat().st_size,
                        "sha256": digest.hexdigest()})
    return entries


# --------------------------------------------------------------------------------- restore

@dataclass
class RestoreOutcome:
    path: str
    vendor_from: str
    vendor_to: str
    rows: int = 0
    files: int = 0
    flushed: bool = False
    counts: dict = field(default_factory=dict)


def read_manifest(archive: zipfile.ZipFile, path) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise BackupError("not_a_backup", path=path, reason=f"no {MANIFEST}") from None
    except ValueError as exc:
        raise BackupError("not_a_backup", path=path, reason=f"{MANIFEST}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("not_a_backup", path=path, reason=f"format {manifest.get('format')!r}")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError("not_a_backup", path=path, reason=f"format_version {manifest.get('format_version')}")
    return manifest


def _safe(relative: str) -> bool:
    """A file path that stays inside one of the file folders of the data directory."""
    parts = PurePosixPath(relative).parts
    return (bool(parts) and parts[0] in FILE_FOLDERS and ".." not in parts and not relative.startswith("/")
            and "\\" not in relative and ":" not in relative)


def verify(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Every member listed, present and with its SHA-256; nothing else in the archive."""
    listed = [t["member"] for t in manifest["tables"]] + [f["member"] for f in manifest["files"]]
    unsafe = [f["member"] for f in manifest["files"]
              if not _safe(f.get("path", "")) or f["member"] != f"files/{f.get('path')}"]
    unsafe += [m for m in [t["member"] for t in manifest["tables"]]
               if not (m.startswith("data/") and "/" not in m[5:] and ".." not in m)]
    if unsafe:
        raise BackupError("unsafe_path", members=", ".join(unsafe[:10]))
    extra = sorted(set(archive.namelist()) - set(listed) - {MANIFEST})
    if extra:
        raise BackupError("unlisted", members=", ".join(extra[:10]))
    expected = {t["member"]: t["sha256"] for t in manifest["tables"]}
    expected.update({f["member"]: f["sha256"] for f in manifest["files"]})
    present = set(archive.namelist())
    damaged = [m for m, digest in expected.items() if m not in present or _sha256(archive, m) != digest]
    if damaged:
        raise BackupError("damaged", members=", ".join(damaged[:10]))


def _sha256(archive: zipfile.ZipFile, member: str) -> str:
    digest = hashlib.sha256()
    try:
        with archive.open(member) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except (zipfile.BadZipFile, OSError, EOFError):  # a damaged deflate stream, a bad CRC
        return ""
    return digest.hexdigest()


def _refuse_newer(manifest: dict) -> None:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(connection, ignore_no_migrations=True, load=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names
               if (app, name) not in known]
    if unknown:
        raise BackupError("newer", migrations=", ".join(unknown[:5]))


def database_counts() -> dict[str, int]:
    """Rows of every backed-up model that has any (the database's "data")."""
    counts = {}
    for model in backup_models():
        n = model._base_manager.count()
        if n:
            counts[model._meta.label_lower] = n
    return counts


def restore_backup(path, *, replace: bool = False, progress=None) -> RestoreOutcome:
    """Restore the backup at ``path`` into the default database (and the data directory's files).

    Refused (``BackupError``, nothing changed) when the archive is not a backup, is damaged,
    comes from a newer DeltaWatch, or the database holds data and ``replace`` is false. With
    ``replace`` the database is flushed first, in the transaction that loads the rows: a load
    that fails (a count that differs from the manifest) leaves the data as they were."""
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError("not_a_backup", path=path, reason=str(exc)) from None
    with archive:
        manifest = read_manifest(archive, path)
        verify(archive, manifest)
        _refuse_newer(manifest)
        models = {}
        for table in manifest["tables"]:
            try:
                models[table["model"]] = apps.get_model(table["model"])
            except LookupError:
                models[table["model"]] = None
        missing = [label for label, model in models.items() if model is None]
        if missing:
            raise BackupError("unknown_model", models=", ".join(missing))
        call_command("migrate", interactive=False, verbosity=0)
        counts = database_counts()
        outcome = RestoreOutcome(str(path), manifest["database"]["vendor"], connection.vendor)
        if counts and not replace:
            shown = ", ".join(f"{label} {n}" for label, n in list(counts.items())[:6])
            raise BackupError("not_empty", counts=shown + (" …" if len(counts) > 6 else ""))
        with transaction.atomic():
            if counts:  # emptied in the loading transaction: a failed load leaves the old data
                call_command("flush", interactive=False, verbosity=0)
                outcome.flushed = True
            for table in manifest["tables"]:
                loaded = _load_table(archive, table["member"], models[table["model"]])
                if loaded != table["count"]:
                    raise BackupError("count_mismatch", model=table["model"], loaded=loaded, listed=table["count"])
                outcome.counts[table["model"]] = loaded
                outcome.rows += loaded
                if progress:
                    progress(table["model"], loaded)
            _reset_sequences(connection, [m for m in models.values()])
        for entry in manifest["files"]:
            _restore_file(archive, entry, Path(settings.DATA_DIR))
            outcome.files += 1
    # Pages and analyses are cached by data version (the newest ids): a restored older copy can
    # have the versions of pages cached before. A cache the server processes share is emptied
    # here; each process's own memory is emptied by restarting it (docs/production.md).
    from django.core.cache import cache

    cache.clear()
    return outcome


def _load_table(archive: zipfile.ZipFile, member: str, model) -> int:
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]  # the connection itself: the proxy costs a lookup per use
    loader, count = _Loader(model, connection), 0
    with archive.open(member) as raw:
        lines = []
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if line.strip():
                lines.append(json.loads(line))
            if len(lines) >= CHUNK:
                count += loader.insert(lines)
                lines = []
        count += loader.insert(lines)
    return count


def _plain_type(field, m):
    if field.is_relation:
        return None
    for kinds, python_type in (((m.BooleanField,), bool), ((m.CharField, m.TextField), str), ((m.FloatField,), float),
                               ((m.IntegerField,), int)):
        if isinstance(field, kinds):
            return python_type
    return None


class _Loader:
    """Rows of one model, from serializer dicts to the database: each value through its field's
    ``to_python`` and ``get_db_prep_save`` (what ``loaddata`` does per object, without building
    one), inserted with ``executemany`` a chunk at a time; natural keys of content types and
    permissions looked up once each."""

    def __init__(self, model, connection):
        from django.db import models as m

        self.model, self.connection = model, connection
        self.fields = model._meta.local_concrete_fields
        # Fields whose JSON value is already what the database driver takes (a text, a whole
        # number, a float, a truth value): to_python and get_db_prep_save would give it back unchanged.
        self.plain = {f.name: kind for f in self.fields if (kind := _plain_type(f, m)) is not None}
        self.names = {f.name for f in self.fields if not f.primary_key}
        self.many = [f for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]
        self.natural: dict = {}
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        self.sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
                    f"VALUES ({', '.join(['%s'] * len(self.fields))})")

    def _related(self, field, value):
        """A natural key (a list) as the related row's id in this database."""
        if not isinstance(value, (list, tuple)):
            return value
        model = field.related_model
        key = (model._meta.label_lower, tuple(value))
        if key not in self.natural:
            self.natural[key] = model._default_manager.db_manager(self.connection.alias).get_by_natural_key(*value).pk
        return self.natural[key]

    def _value(self, field, record: dict):
        if field.primary_key:
            value = record["pk"]
        elif field.name in record["fields"]:
            value = record["fields"][field.name]
        else:  # a backup made before the field existed: its default
            return field.get_db_prep_save(field.get_default(), self.connection)
        if value is None:
            return None
        kind = self.plain.get(field.name)
        if kind is not None and type(value) is kind:
            return value
        if field.is_relation:
            value = self._related(field, value)
            if type(value) is int:
                return value
        return field.get_db_prep_save(field.to_python(value), self.connection)

    def insert(self, records: list[dict]) -> int:
        if not records:
            return 0
        unknown = {name for record in records for name in record["fields"]} - self.names - {f.name for f in self.many}
        if unknown:
            raise BackupError("unknown_model", models=", ".join(f"{self.model._meta.label_lower}.{n}"
                                                               for n in sorted(unknown)))
        rows = [[self._value(f, record) for f in self.fields] for record in records]
        with self.connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
            for many in self.many:
                self._links(cursor, many, records)
        return len(records)

    def _links(self, cursor, many, records: list[dict]) -> None:
        through = many.remote_field.through
        quote = self.connection.ops.quote_name
        source = through._meta.get_field(many.m2m_field_name()).column
        target = through._meta.get_field(many.m2m_reverse_field_name()).column
        sql = f"INSERT INTO {quote(through._meta.db_table)} ({quote(source)}, {quote(target)}) VALUES (%s, %s)"
        links = [(record["pk"], self._related(many, value)) for record in records
                 for value in record["fields"].get(many.name, [])]
        if links:
            cursor.executemany(sql, links)


def _reset_sequences(connection, models) -> None:
    """Sequences past the restored ids (PostgreSQL; SQLite's AUTOINCREMENT follows by itself)."""
    from django.core.management.color import no_style

    through = [m.remote_field.through for model in models for m in model._meta.local_many_to_many
               if m.remote_field.through._meta.auto_created]
    statements = connection.ops.sequence_reset_sql(no_style(), [*models, *through])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _restore_file(archive: zipfile.ZipFile, entry: dict, data_dir: Path) -> None:
    target = data_dir / entry["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    with archive.open(entry["member"]) as source, open(partial, "wb") as out:
        out.writelines(iter(lambda: source.read(1 << 20), b""))
    os.replace(partial, target)
