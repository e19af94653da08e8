"""Page load (issue 12): `deltawatch serve` under ``--clients`` concurrent clients (50) for
``--seconds`` (60) over the main pages, anonymous and signed in, on SQLite and on PostgreSQL.
Goal: p95 under 300 ms and no errors on this 2-core machine.

Each database gets its own data home (``deltawatch init`` of the embedded default; PostgreSQL in
a fresh database ``dw_bench_pages``, dropped at the end), a stored progress run and a published
index run (build and uncertainty) so that every page has content, and a sample account of the
office role (长三角办) given a random password for the run. For each of the two visitors a
fresh server is started (``deltawatch serve --port 0``, so its page cache is empty) and then:

1. every page once (its *cold* time: the first request after start) and five times more (its
   *cached* time: the median of those five);
2. ``--clients`` threads, each with its own ``requests.Session``, loop over the pages for
   ``--seconds``, every request timed from send to the last byte read. Anything but a 200 (or an
   exception) is an error.

The load generator runs on the same machine as the server and takes CPU from it: the numbers are
an upper bound on the latency a remote browser would see from this server.

    .venv/bin/python benchmarks/bench_pages.py [--seconds 60] [--clients 50] [--databases sqlite,postgresql]
                                               [--threads 4] [--note "what else ran"]

``--threads 4,8`` measures each server thread count in turn. Prints the tables and writes them
to benchmarks/results/pages.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
DELTAWATCH = str(Path(sys.executable).with_name("deltawatch"))
GOAL_P95_MS = 300
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_NAME = "dw_bench_pages"
ACCOUNT = "js_office"  # the sample account of the office role (长三角办), made by init
CACHED_REPEAT = 5


def pages(run_id: int, signed_in: bool) -> list[str]:
    """The main pages, as a visitor of that kind opens them."""
    urls = ["/", "/indicators/", "/indicators/gdp/", "/regions/", "/regions/320000/", "/progress/",
            "/indices/", f"/indices/runs/{run_id}/", "/regional/", "/feedback/"]
    return urls + ["/data/upload/"] if signed_in else urls


# ------------------------------------------------------------------------------ the data

def make_database(backend: str, work: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{work / 'db.sqlite3'}"
    _postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_NAME}", f"CREATE DATABASE {POSTGRES_NAME}")
    return f"{POSTGRES_SERVER}/{POSTGRES_NAME}"


def drop_database(backend: str) -> None:
    if backend == "postgresql":
        _postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_NAME} WITH (FORCE)")


def _postgres_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER.replace('postgres://', 'postgresql://')}/postgres",
                         autocommit=True, connect_timeout=5) as admin:
        for statement in statements:
            admin.execute(statement)


def deltawatch(env: dict, *argv: str) -> str:
    done = subprocess.run([DELTAWATCH, *argv], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"deltawatch {' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def fill(env: dict, password: str) -> int:
    """The embedded default, a progress run, a published index run with its uncertainty run,
    and the office account's password; the build run's id."""
    deltawatch(env, "init")
    deltawatch(env, "progress", "--format", "csv", "--output", os.devnull)
    deltawatch(env, "index", "build", "yrd_hqd", "--year", "2017", "--save", "--out", os.devnull)
    deltawatch(env, "index", "uncertainty", "yrd_hqd", "--year", "2017", "--runs", "200", "--save",
               "--out", os.devnull)
    script = (
        "from django.contrib.auth import get_user_model\n"
        "from deltawatch.indices.models import IndexRun\n"
        "IndexRun.objects.update(is_published=True)\n"
        f"user = get_user_model().objects.get(username={ACCOUNT!r})\n"
        f"user.set_password({password!r}); user.save()\n"
        "print('build-run', IndexRun.objects.filter(kind='build').latest('id').id)\n"
    )
    output = deltawatch(env, "manage", "shell", "-c", script)
    return int(re.search(r"build-run (\d+)", output).group(1))


# ------------------------------------------------------------------------------ the server

class Server:
    """`deltawatch serve --port 0` as a subprocess; its port read from its first line."""

    def __init__(self, env: dict, threads: int, work: Path):
        self.log = work / f"serve-{time.monotonic_ns()}.log"
        self.handle = self.log.open("w")
        self.process = subprocess.Popen([DELTAWATCH, "serve", "--port", "0", "--threads", str(threads)],
                                        env=env, stdout=self.handle, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self._port()}"
        self._wait_answering()

    def _port(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = re.search(r"127\.0\.0\.1:(\d+)", self.log.read_text(encoding="utf-8", errors="replace"))
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise SystemExit(f"deltawatch serve did not start:\n{self.log.read_text()}")

    def _wait_answering(self) -> None:
        """Until the login page answers (it computes no analytics, so the page cache stays empty)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/accounts/login/", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit(f"deltawatch serve does not answer:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.handle.close()


def sign_in(base: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(base + "/accounts/login/", timeout=30)
    answer = session.post(base + "/accounts/login/", timeout=30, allow_redirects=False,
                          data={"username": ACCOUNT, "password": password,
                                "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                          headers={"Referer": base + "/accounts/login/"})
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"signing in as {ACCOUNT} failed: HTTP {answer.status_code}")
    return session


# ------------------------------------------------------------------------------ the measurements

def timed_get(session: requests.Session, url: str) -> tuple[float, str | None]:
    """Seconds to the last byte, and what went wrong (None for a 200)."""
    start = time.perf_counter()
    try:
        answer = session.get(url, timeout=60, allow_redirects=False)
        answer.content  # noqa: B018 — read the whole body inside the timing
        error = None if answer.status_code == 200 else f"HTTP {answer.status_code}"
    except requests.RequestException as exc:
        error = type(exc).__name__
    return time.perf_counter() - start, error


def cold_and_cached(session: requests.Session, base: str, urls: list[str]) -> dict[str, tuple[float, float]]:
    """Per page: the first request's seconds and the median of the next five."""
    times = {}
    for url in urls:
        cold, error = timed_get(session, base + url)
        if error:
            raise SystemExit(f"{url}: {error}")
        times[url] = (cold, statistics.median(timed_get(session, base + url)[0] for _ in range(CACHED_REPEAT)))
    return times


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU seconds used so far by this process, or by process ``pid`` (Linux)."""
    if pid is None:
        times = os.times()
        return times.user + times.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(sessions: list[requests.Session], base: str, urls: list[str], seconds: float, server_pid: int) -> dict:
    """Every client loops over the pages (each from its own first page) until the time is up."""
    records: list[list[tuple[str, float, str | None]]] = [[] for _ in sessions]
    start_line = threading.Barrier(len(sessions) + 1)
    deadline = 0.0

    def client(number: int) -> None:
        start_line.wait()
        position = number
        while time.perf_counter() < deadline:
            url = urls[position % len(urls)]
            seconds_, error = timed_get(sessions[number], base + url)
            records[number].append((url, seconds_, error))
            position += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    load_before = os.getloadavg()[0]
    deadline = time.perf_counter() + seconds
    started, client_cpu, server_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(server_pid)
    start_line.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    client_cpu, server_cpu = cpu_seconds() - client_cpu, cpu_seconds(server_pid) - server_cpu
    done = [r for client_records in records for r in client_records]
    latencies = sorted(s for _, s, _ in done)
    errors = [e for _, _, e in done if e]
    by_page = {url: sorted(s for u, s, _ in done if u == url) for url in urls}
    return {
        "requests": len(done), "rps": len(done) / elapsed, "errors": len(errors),
        "error_kinds": ", ".join(sorted(set(errors)))[:120],
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
        "page_p95": {url: percentile(times, 95) for url, times in by_page.items()},
        "load_before": load_before, "server_cpu": server_cpu / elapsed, "client_cpu": client_cpu / elapsed,
    }


def percentile(sorted_values: list[float], p: float) -> float:
    """The nearest-rank percentile (the value below which p % of the requests fell)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil(n·p/100), at least 1
    return sorted_values[int(rank) - 1]


def measure(backend: str, threads_list: list[int], clients: int, seconds: float) -> list[dict]:
    """Cold/cached times and a load run per visitor and server thread count, on one database."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="dw-bench-pages-") as tmp:
        work = Path(tmp)
        url = make_database(backend, work)
        env = {**os.environ, "DELTAWATCH_HOME": str(work), "DATABASE_URL": url}
        password = secrets.token_urlsafe(16)
        try:
            run_id = fill(env, password)
            for threads in threads_list:
                for signed_in in (False, True):
                    urls = pages(run_id, signed_in)
                    server = Server(env, threads, work)
                    try:
                        first = sign_in(server.base, password) if signed_in else requests.Session()
                        pages_times = cold_and_cached(first, server.base, urls)
                        sessions = [first] + [requests.Session() for _ in range(clients - 1)]
                        for session in sessions[1:]:  # one user in many tabs: one sign-in, shared cookie
                            session.cookies.update(first.cookies)
                        result = load(sessions, server.base, urls, seconds, server.process.pid)
                    finally:
                        server.stop()
                    rows.append({"backend": backend, "threads": threads, "who": "signed in" if signed_in else
                                 "anonymous", "pages": pages_times, **result})
                    print(summary_line(rows[-1]), flush=True)
        finally:
            drop_database(backend)
    return rows


# ------------------------------------------------------------------------------ the report

def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def summary_line(r: dict) -> str:
    return (f"| {r['backend']} | {r['who']} | {r['threads']} | {r['requests']} | {r['rps']:.1f} | {ms(r['p50'])} | "
            f"{ms(r['p95'])} | {ms(r['p99'])} | {r['errors']}{' (' + r['error_kinds'] + ')' if r['errors'] else ''} | "
            f"{'yes' if r['p95'] * 1000 < GOAL_P95_MS and not r['errors'] else 'no'} | {r['load_before']:.2f} | "
            f"{r['server_cpu']:.2f} | {r['client_cpu']:.2f} |")


def report(rows: list[dict], args, pg_missing: str | None) -> str:
    lines = [
        (f"# Page load ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()}, "
         f"{os.cpu_count()} cores, Python {platform.python_version()})"),
        "",
        (f"`deltawatch serve` (waitress) on the embedded default with a progress run and a published index run; "
        f"{args.clients} concurrent clients (threads, each with its own `requests.Session`) loop over the pages "
        f"for {args.seconds:g} s. Signed in = the sample office account (长三角办), one sign-in shared by all clients. "
        f"Latency from send to the last byte; an error is anything but HTTP 200. Goal: p95 < {GOAL_P95_MS} ms, "
        "no errors. **The load generator runs on the same 2-core machine as the server** and competes with it "
        "for CPU. Load = the 1-minute load average just before the run (other work on the machine "
        "shows there). Server / client CPU = cores busy on average during the run (CPU seconds / wall seconds) in "
        "the server process and in this load generator: at most 2 between them and everything else."),
    ]
    if args.note:
        lines += ["", f"Also running: {args.note}"]
    if pg_missing:
        lines += ["", f"PostgreSQL not measured: {pg_missing}"]
    lines += [
        "",
        ("| database | visitor | server threads | requests | req/s | p50 ms | p95 ms | p99 ms | errors | goal met "
         "| load | server CPU | client CPU |"),
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|",
        *[summary_line(r) for r in rows],
        "",
        *threads_comparison(rows),
        ("Per page: cold = the first request after the server started (empty page cache); cached = median of "
         f"the next {CACHED_REPEAT}, one client alone; p95 = under load. Milliseconds."),
        "",
    ]
    keys = [(r["backend"], r["threads"]) for r in rows]
    columns = list(dict.fromkeys(keys))
    header = " | ".join(f"{b} ({t} thr) cold / cached / p95" for b, t in columns)
    for who in ("anonymous", "signed in"):
        chosen = [r for r in rows if r["who"] == who]
        if not chosen:
            continue
        lines += [f"**{who}**", "", f"| page | {header} |", "|---|" + "---:|" * len(columns)]
        for url in chosen[0]["pages"]:
            cells = []
            for column in columns:
                r = next(r for r in chosen if (r["backend"], r["threads"]) == column)
                cold, cached = r["pages"][url]
                cells.append(f"{ms(cold)} / {ms(cached)} / {ms(r['page_p95'][url])}")
            lines.append(f"| `{url}` | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def serve_default_threads() -> int:
    """The thread count `deltawatch serve` uses when not told (its --threads default)."""
    from deltawatch.core import commands

    parser = argparse.ArgumentParser()
    commands.add_parsers(parser.add_subparsers())
    return parser.parse_args(["serve"]).threads


def threads_comparison(rows: list[dict]) -> list[str]:
    """When several server thread counts were measured: which served the most requests per
    second for each database and visitor, and the default `deltawatch serve` has."""
    counts = sorted({r["threads"] for r in rows})
    if len(counts) < 2:
        return [f"`deltawatch serve --threads` default: {serve_default_threads()}.", ""]
    best = {}
    for r in rows:
        pair = (r["backend"], r["who"])
        if pair not in best or r["rps"] > best[pair]["rps"]:
            best[pair] = r
    wins = ", ".join(f"{b} {w}: {r['threads']}" for (b, w), r in best.items())
    return [(f"Server threads compared: {', '.join(map(str, counts))}. Most requests per second at — {wins}. "
             f"`deltawatch serve --threads` default: {serve_default_threads()}."), ""]


def postgres_problem() -> str | None:
    try:
        _postgres_admin("SELECT 1")
    except Exception as error:  # noqa: BLE001 — the benchmark still runs on SQLite and says why
        return str(error).splitlines()[0]
    return None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--threads", default="4", help="waitress threads of the server; a list measures each")
    parser.add_argument("--note", default="", help="what else ran on the machine, for the results file")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "pages.md")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.databases.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database {', '.join(sorted(unknown))}: sqlite or postgresql")
    pg_missing = postgres_problem() if "postgresql" in backends else None
    if pg_missing:
        print(f"PostgreSQL not measured: {pg_missing}")
        backends.remove("postgresql")
    threads_list = [int(t) for t in args.threads.split(",")]
    rows = [row for backend in backends for row in measure(backend, threads_list, args.clients, args.seconds)]
    text = report(rows, args, pg_missing)
    print(text)
    args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
