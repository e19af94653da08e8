"""Two writers at once, as two users would be: real processes on a real database.

The database is a scratch one made for this module on the backend of the run (a SQLite file,
or a database on the PostgreSQL server of ``DATABASE_URL``), because the test database of
pytest-django lives inside a transaction that other processes cannot see.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

pytestmark = pytest.mark.db  # re-run on PostgreSQL by ./dev test

DELTAWATCH = str(Path(sys.executable).with_name("deltawatch"))
IMPORT_LOCK_KEY = 0x44570001


def _postgres_admin(url: str):
    import psycopg

    c = dj_database_url.parse(url)
    return psycopg.connect(host=c["HOST"] or None, port=c["PORT"] or None, user=c["USER"] or None,
                           password=c["PASSWORD"] or None, dbname="postgres", autocommit=True)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """(DATABASE_URL, vendor) of an initialised scratch database with no statistics."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        name = "deltawatch_concurrency_test"
        with _postgres_admin(url) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
        scratch_url, vendor = url.rsplit("/", 1)[0] + "/" + name, "postgresql"
    else:
        scratch_url = f"sqlite:///{tmp_path_factory.mktemp('concurrency') / 'db.sqlite3'}"
        vendor = "sqlite"
    env = {**os.environ, "DATABASE_URL": scratch_url}
    subprocess.run([DELTAWATCH, "init", "--no-data"], env=env, check=True, capture_output=True)
    yield scratch_url, vendor
    if vendor == "postgresql":
        with _postgres_admin(url) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _file(tmp_path, name, year0):
    """A long file of 400 new values (4 provinces × 5 indicators × 20 years)."""
    lines = ["region,indicator,year,value"]
    for region in ("310000", "320000", "330000", "340000"):
        for indicator in ("gdp", "population_registered", "va_primary", "va_secondary", "va_tertiary"):
            lines += [f"{region},{indicator},{year},{year - 2000 + len(indicator)}" for year in range(year0, year0 + 20)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(url, vendor, year0):
    sql = f"SELECT COUNT(*), COUNT(DISTINCT indicator_id * 100000 + region_id * 10000 + year) " \
          f"FROM observations_observation WHERE is_current AND year >= {year0} AND year < {year0 + 20}"
    if vendor == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchone()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return db.execute(sql).fetchone()


def test_two_imports_of_the_same_new_values_both_succeed_once_each(scratch, tmp_path):
    """Both processes finish (the second waits for the first); every value exists once."""
    url, vendor = scratch
    env = {**os.environ, "DATABASE_URL": url}
    files = [_file(tmp_path, f"{k}.csv", 2051) for k in "ab"]
    runs = [subprocess.Popen([DELTAWATCH, "import", str(f)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for f in files]
    results = [(run.wait(timeout=120), run.stdout.read(), run.stderr.read()) for run in runs]
    assert [code for code, _, _ in results] == [0, 0], results
    created = sorted(int(out.split("新增 ")[1].split("，")[0]) for _, out, _ in results)
    assert created == [0, 400]  # one wrote them all; the other found them unchanged
    assert _count(url, vendor, 2051) == (400, 400)


def _hold_write_lock(url, vendor):
    """Another writer in the middle of its transaction (an open connection holding the lock)."""
    if vendor == "sqlite":
        db = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        return db
    import psycopg

    db = psycopg.connect(url.replace("postgres://", "postgresql://"))
    db.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
    return db


@pytest.mark.parametrize("lang, words", [("zh", "数据库正被另一个导入或修改占用，等待 1 秒后仍未释放；未写入任何数据"),
                                         ("en", "The database was busy with another import or edit for 1 s; nothing was written")])
def test_a_writer_that_waits_too_long_says_so_and_writes_nothing(scratch, tmp_path, lang, words):
    url, vendor = scratch
    env = {**os.environ, "DATABASE_URL": url, "DELTAWATCH_WRITE_WAIT": "1"}
    holder = _hold_write_lock(url, vendor)
    try:
        done = subprocess.run([DELTAWATCH, "--lang", lang, "import", str(_file(tmp_path, "c.csv", 2071))], env=env,
                              capture_output=True, text=True, timeout=60)
    finally:
        holder.rollback() if vendor == "postgresql" else holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1
    assert words in done.stderr and "Traceback" not in done.stderr
    assert _count(url, vendor, 2071) == (0, 0)
