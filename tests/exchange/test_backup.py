"""``deltawatch backup`` and ``restore`` in real processes on real database files: a restored copy
exports byte-identical data, damaged or foreign archives are refused before the database is
touched, a database with data is replaced only when asked. PostgreSQL too, when a server answers.

The databases are scratch ones made here (SQLite files in temporary data directories, a
throwaway PostgreSQL database), because pytest-django's test database lives inside a
transaction other processes cannot see.
"""

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from types import SimpleNamespace

import pytest

from deltawatch.exchange.backup import MANIFEST, BackupError, read_manifest, verify

# The exchange commands, registered when cli.py does not list them yet.
RUN = ("from deltawatch import cli\n"
       "from deltawatch.exchange import commands\n"
       "if commands not in cli.COMMAND_MODULES:\n"
       "    cli.COMMAND_MODULES = (*cli.COMMAND_MODULES, commands)\n"
       "cli.run()\n")
ADMIN_PASSWORD = "backup-test-Passw0rd-long-enough"
EVIDENCE = ("evidence/2026/12/0123456789abcdef.pdf", b"%PDF-1.4 evidence \x00\xff bytes")
POSTGRES = os.environ.get("DELTAWATCH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "dw_helper_backup_test"


def dw(home, *args, url=None, lang="zh"):
    env = {**os.environ, "DELTAWATCH_HOME": str(home), "DELTAWATCH_LANG": lang,
           "DELTAWATCH_ADMIN_PASSWORD": ADMIN_PASSWORD, "DELTAWATCH_USER": "tester"}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-c", RUN, *args], env=env, capture_output=True, text=True,
                          timeout=900, check=False)


def ok(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def exports(home, folder, url=None):
    """The `deltawatch export` of every current value, as CSV and as JSON, in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    ok(dw(home, "export", "-o", str(folder / "all.csv"), url=url))
    ok(dw(home, "export", "--format", "json", "-o", str(folder / "all.json"), url=url))
    return (folder / "all.csv").read_bytes(), (folder / "all.json").read_bytes()


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """An installation made by `deltawatch init` (the embedded default), with an evidence file,
    backed up once."""
    home = tmp_path_factory.mktemp("source-home")
    ok(dw(home, "init"))
    evidence = home / EVIDENCE[0]
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(EVIDENCE[1])
    archive = tmp_path_factory.mktemp("backups") / "source.zip"
    done = ok(dw(home, "--lang", "en", "backup", "--output", str(archive)))
    assert f"to {archive}" in done.stdout and "1 files" in done.stdout
    return SimpleNamespace(home=home, archive=archive, export=exports(home, tmp_path_factory.mktemp("source-export")))


@pytest.fixture(scope="module")
def restored(source, tmp_path_factory):
    """The backup restored into a data directory that has no database yet."""
    home = tmp_path_factory.mktemp("restored-home")
    done = ok(dw(home, "restore", str(source.archive)))
    return SimpleNamespace(home=home, message=done.stdout)


def _rows(home, sql):
    with sqlite3.connect(home / "deltawatch.sqlite3") as db:
        return db.execute(sql).fetchall()


def test_the_manifest_lists_every_table_with_its_count_and_checksum(source):
    with zipfile.ZipFile(source.archive) as archive:
        manifest = read_manifest(archive, source.archive)
        verify(archive, manifest)  # the archive as written passes its own check
    assert manifest["format_version"] == 1 and manifest["database"]["vendor"] == "sqlite"
    counts = {t["model"]: t["count"] for t in manifest["tables"]}
    observations = _rows(source.home, "select count(*) from observations_observation")[0][0]
    assert counts["observations.observation"] == observations > 28000
    assert counts["regions.region"] == _rows(source.home, "select count(*) from regions_region")[0][0]
    assert not {"contenttypes.contenttype", "auth.permission", "sessions.session"} & set(counts)
    assert manifest["files"] == [{"member": f"files/{EVIDENCE[0]}", "path": EVIDENCE[0], "size": len(EVIDENCE[1]),
                                  "sha256": __import__("hashlib").sha256(EVIDENCE[1]).hexdigest()}]
    assert "0001_initial" in manifest["migrations"]["observations"]


def test_a_restored_copy_exports_byte_identical_data(source, restored, tmp_path):
    assert "已从" in restored.message
    assert exports(restored.home, tmp_path) == source.export
    assert (restored.home / EVIDENCE[0]).read_bytes() == EVIDENCE[1]
    # ids kept (an index run names the newest observation it read), times to the microsecond
    query = "select id, recorded_at from observations_observation order by id"
    assert _rows(restored.home, query) == _rows(source.home, query)
    query = "select id, kind, data_vintage, started_at from indices_indexrun order by id"
    assert _rows(restored.home, query) == _rows(source.home, query)


def test_accounts_their_passwords_and_roles_come_back(source, restored):
    check = ("from django.contrib.auth.models import User; u = User.objects.get(username='admin'); "
             f"print(u.check_password('{ADMIN_PASSWORD}'), '|'.join(sorted(g.name for g in u.groups.all())), "
             "sum(g.permissions.count() for g in u.groups.all()))")
    out = ok(dw(restored.home, "manage", "shell", "-c", check)).stdout.strip().splitlines()[-1]
    groups = _rows(source.home, "select g.name from auth_group g join auth_user_groups ug on ug.group_id = g.id "
                                "join auth_user u on u.id = ug.user_id where u.username = 'admin' order by g.name")
    permissions = _rows(source.home, "select count(*) from auth_group_permissions gp join auth_user_groups ug "
                                     "on ug.group_id = gp.group_id join auth_user u on u.id = ug.user_id "
                                     "where u.username = 'admin'")[0][0]
    assert groups and permissions > 0  # the administrator's role, and the permissions it grants
    assert out == f"True {'|'.join(name for (name,) in groups)} {permissions}"


def test_a_tampered_archive_is_refused_before_the_database_is_touched(source, tmp_path):
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(source.archive) as original, zipfile.ZipFile(tampered, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "data/observations.observation.jsonl":
                data = data.replace(b'"value":38155.32', b'"value":38155.33', 1)
                assert data != original.read(item.filename)
            copy.writestr(item, data)
    home = tmp_path / "home"
    refused = dw(home, "restore", str(tampered))
    assert refused.returncode == 1
    assert "已损坏或被改动" in refused.stderr and "observations.observation.jsonl" in refused.stderr
    assert _rows(home, "select name from sqlite_master where type='table'") == []  # not even migrated


def test_a_database_with_data_is_replaced_only_when_asked(source, restored, tmp_path):
    extra = tmp_path / "extra.csv"
    extra.write_text("region,indicator,year,value\n310000,gdp,2035,1\n", encoding="utf-8")
    ok(dw(restored.home, "import", str(extra)))
    changed = exports(restored.home, tmp_path / "changed")
    assert changed != source.export

    refused = dw(restored.home, "--lang", "en", "restore", str(source.archive))
    assert refused.returncode == 1 and "--yes" in refused.stderr and "regions.region 374" in refused.stderr
    assert exports(restored.home, tmp_path / "still") == changed  # nothing touched

    def miscounted(manifest, members):
        next(t for t in manifest["tables"] if t["model"] == "observations.observation")["count"] += 1

    _rewritten(source.archive, tmp_path / "miscounted.zip", miscounted).close()
    failed = dw(restored.home, "--lang", "en", "restore", str(tmp_path / "miscounted.zip"), "--yes")
    assert failed.returncode == 1 and "rolled back" in failed.stderr
    assert exports(restored.home, tmp_path / "after-failure") == changed  # the flush was rolled back too

    replaced = ok(dw(restored.home, "restore", str(source.archive), "--yes"))
    assert "已先清空" in replaced.stdout
    assert exports(restored.home, tmp_path / "replaced") == source.export


def _rewritten(source_zip, target, change):
    with zipfile.ZipFile(source_zip) as original:
        manifest = json.loads(original.read(MANIFEST))
        members = {i.filename: original.read(i.filename) for i in original.infolist() if i.filename != MANIFEST}
    change(manifest, members)
    with zipfile.ZipFile(target, "w") as copy:
        for name, data in members.items():
            copy.writestr(name, data)
        copy.writestr(MANIFEST, json.dumps(manifest))
    return zipfile.ZipFile(target)


def test_unlisted_members_and_paths_outside_the_data_folders_are_refused(source, tmp_path):
    def add_member(manifest, members):
        members["data/extra.jsonl"] = b"{}\n"

    def escape(manifest, members):
        entry = manifest["files"][0]
        members.pop(entry["member"])
        entry["path"], entry["member"] = "../secret_key", "files/../secret_key"
        members[entry["member"]] = EVIDENCE[1]

    for change, key in ((add_member, "unlisted"), (escape, "unsafe_path")):
        with _rewritten(source.archive, tmp_path / f"{key}.zip", change) as archive, \
                pytest.raises(BackupError) as caught:
            verify(archive, read_manifest(archive, "x.zip"))
        assert caught.value.key == key


def test_what_is_not_a_backup_is_named(tmp_path):
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("data.csv", "a,b\n")
    refused = dw(tmp_path / "home", "--lang", "en", "restore", str(plain))
    assert refused.returncode == 1 and "is not a DeltaWatch backup (no manifest.json)" in refused.stderr
    (tmp_path / "text.zip").write_text("not a zip", encoding="utf-8")
    refused = dw(tmp_path / "home", "--lang", "en", "restore", str(tmp_path / "text.zip"))
    assert refused.returncode == 1 and "is not a DeltaWatch backup" in refused.stderr


def _postgres_admin():
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server at {POSTGRES}: {error}")


def test_postgresql_backup_restores_on_sqlite_with_the_same_export(source, tmp_path):
    """SQLite backup → restored on PostgreSQL → backed up there → restored on SQLite: both copies
    export what the original did, and PostgreSQL's sequences go on past the restored ids."""
    with _postgres_admin() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
        admin.execute(f"CREATE DATABASE {PG_NAME}")
    url = POSTGRES.rsplit("/", 1)[0] + "/" + PG_NAME
    try:
        pg_home = tmp_path / "pg-home"
        restored = ok(dw(pg_home, "--lang", "en", "restore", str(source.archive), url=url))
        assert "(sqlite → postgresql" in restored.stdout
        assert exports(pg_home, tmp_path / "pg", url=url) == source.export
        pg_archive = tmp_path / "pg.zip"
        ok(dw(pg_home, "backup", "--output", str(pg_archive), url=url))
        with zipfile.ZipFile(pg_archive) as archive:
            assert read_manifest(archive, pg_archive)["database"]["vendor"] == "postgresql"
        sqlite_home = tmp_path / "sqlite-home"
        ok(dw(sqlite_home, "restore", str(pg_archive)))
        assert exports(sqlite_home, tmp_path / "back", url=None) == source.export
        # the same rows, whichever database they were read from (JSON values in canonical key order)
        with zipfile.ZipFile(source.archive) as a, zipfile.ZipFile(pg_archive) as b:
            first, second = read_manifest(a, "a"), read_manifest(b, "b")
        assert [(t["model"], t["count"], t["sha256"]) for t in first["tables"]] == \
               [(t["model"], t["count"], t["sha256"]) for t in second["tables"]]
        extra = tmp_path / "extra.csv"
        extra.write_text("region,indicator,year,value\n310000,gdp,2036,1\n", encoding="utf-8")
        ok(dw(pg_home, "import", str(extra), url=url))  # a new id from the sequence, no collision
    finally:
        with _postgres_admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
