"""The REST API (issue 18) against ``deltawatch serve`` started in a subprocess on a free port,
over HTTP, on a data directory of its own (``deltawatch init`` first):

1. write 100,000 observations — JSON rows in 5 requests of 20,000 (Django's 2.5 MB request
   limit), then the same keys again as one CSV request of 100,000 (every value revised) — goal
   under 20 s;
2. read those 100,000 — pages of 1,000 in the long form (100 requests), and the wide form
   (region × indicator rows, pages of 1,000) — goal under 2 s;
3. 50 concurrent clients (threads), each with its own API token, 20 requests each over the
   catalogue, observation pages, progress and /me — p50, p95, max and errors.

    .venv/bin/python benchmarks/bench_api.py [--home DIR] [--port 0] [--note "what else ran"]

Prints a table and writes benchmarks/results/api.md. Until ``deltawatch.api`` is in the
project's settings it runs on ``deltawatch.api.dev_settings``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DELTAWATCH = str(Path(sys.executable).with_name("deltawatch"))
YEARS = range(2061, 2101)  # 40 years no real series reaches: every written value is new
N_INDICATORS, N_REGIONS = 10, 250
CLIENTS, REQUESTS_EACH = 50, 20


def settings_module() -> str:
    """The project's settings once they list the api app; until then the api's dev settings."""
    import deltawatch.settings as project  # plain import: Django is set up later, once, by prepare()

    return "deltawatch.settings" if "deltawatch.api" in project.INSTALLED_APPS else "deltawatch.api.dev_settings"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, path, token, method="GET", body=None, content_type="application/json"):
    request = urllib.request.Request(base + path, data=body, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def prepare(env) -> dict:
    """Indicators and regions to write, and tokens (office: one to write, one per client)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from deltawatch.accounts.choices import Role
    from deltawatch.api.models import ApiToken
    from deltawatch.indicators.models import Indicator
    from deltawatch.regions.models import Region

    from django.db.models import Q

    # indicators typed in (not derived) whose natural bounds admit the values 10–90 written here
    indicators = list(Indicator.objects.filter(formula="", is_rate=False)
                      .filter(Q(lower_bound__isnull=True) | Q(lower_bound__lte=10))
                      .filter(Q(upper_bound__isnull=True) | Q(upper_bound__gte=100))
                      .order_by("code").values_list("code", flat=True))
    regions = list(Region.objects.filter(valid_from__isnull=True, valid_to__isnull=True).order_by("code")
                   .values_list("code", flat=True))
    office = get_user_model().objects.get(username="js_office")
    tokens = [ApiToken.issue(office, f"bench {i}", Role.OFFICE.value)[1] for i in range(CLIENTS + 1)]
    assert len(indicators) >= N_INDICATORS and len(regions) >= N_REGIONS, (len(indicators), len(regions))
    return {"indicators": indicators[:N_INDICATORS], "regions": regions[:N_REGIONS], "tokens": tokens}


def rows_of(plan, bump=0.0):
    return [{"region": r, "indicator": i, "year": y, "value": round(10 + (k % 797) / 10 + bump, 3)}
            for k, (i, r, y) in enumerate((i, r, y) for i in plan["indicators"] for r in plan["regions"]
                                          for y in YEARS)]


def write(base, plan, table):
    token = plan["tokens"][0]
    rows = rows_of(plan)
    start = time.perf_counter()
    created = revised = 0
    for first in range(0, len(rows), 20_000):
        batch = json.dumps({"rows": rows[first:first + 20_000]}).encode()
        status, body = call(base, "/api/observations", token, "POST", batch)
        assert status == 201, body[:500]
        created, revised = created + json.loads(body)["created"], revised + json.loads(body)["revised"]
    table.append(("write JSON, 5 × 20,000 rows", f"{len(rows):,}", time.perf_counter() - start,
                  f"{created:,} created, {revised:,} revised"))
    lines = ["region,indicator,year,value"] + [f"{r['region']},{r['indicator']},{r['year']},{r['value']}"
                                              for r in rows_of(plan, bump=1.0)]
    start = time.perf_counter()
    status, body = call(base, "/api/observations/csv?layout=long", token, "POST", "\n".join(lines).encode(), "text/csv")
    assert status == 201, body[:500]
    table.append(("write CSV, one request", f"{len(rows):,}", time.perf_counter() - start,
                  f"{json.loads(body)['revised']:,} revised"))
    return len(rows)


def read(base, plan, expected, table):
    token = plan["tokens"][0]
    selection = f"indicator={','.join(plan['indicators'])}&year={YEARS[0]}-{YEARS[-1]}"
    start, offset, got, requests = time.perf_counter(), 0, 0, 0
    while offset is not None:
        status, body = call(base, f"/api/observations?{selection}&limit=1000&offset={offset}", token)
        assert status == 200, body[:300]
        page = json.loads(body)
        got += len(page["results"])
        offset, requests = page["next_offset"], requests + 1
    assert got == expected, (got, expected)
    table.append((f"read long, {requests} pages of 1,000", f"{got:,}", time.perf_counter() - start, ""))
    start, offset, values, requests = time.perf_counter(), 0, 0, 0
    while offset is not None:
        status, body = call(base, f"/api/observations?{selection}&form=wide&limit=1000&offset={offset}", token)
        page = json.loads(body)
        values += sum(len(row["values"]) for row in page["results"])
        offset, requests = page["next_offset"], requests + 1
    assert values == expected, (values, expected)
    table.append((f"read wide, {requests} pages of ≤1,000 rows", f"{values:,}", time.perf_counter() - start, ""))


def concurrent(base, plan, table):
    paths = ["/api/regions?limit=100", "/api/indicators", "/api/observations?indicator=gdp&limit=1000",
             "/api/observations?indicator=gdp&form=wide&limit=100", "/api/progress/assessments?limit=100", "/api/me",
             f"/api/observations?indicator={plan['indicators'][0]}&limit=1000&offset=500"]
    times, errors, lock = [], [], threading.Lock()

    def client(number):
        token = plan["tokens"][1 + number]
        for k in range(REQUESTS_EACH):
            start = time.perf_counter()
            status, _body = call(base, paths[(number + k) % len(paths)], token)
            elapsed = time.perf_counter() - start
            with lock:
                times.append(elapsed)
                if status != 200:
                    errors.append(status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    table.append((f"{CLIENTS} clients × {REQUESTS_EACH} requests", f"{len(times):,}", wall,
                  f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                  f"max {times[-1] * 1000:.0f} ms, "
                  f"errors {len(errors)}, {len(times) / wall:.0f} req/s"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", help="data directory (default: a new temporary one)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    home = args.home or tempfile.mkdtemp(prefix="dw-bench-api-")
    os.environ["DELTAWATCH_HOME"] = home
    os.environ.pop("DATABASE_URL", None)  # the data directory's own SQLite file
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module()}
    subprocess.run([DELTAWATCH, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = args.port or free_port()
    server = subprocess.Popen([DELTAWATCH, "serve", "--port", str(port), "--no-worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/me", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        plan = prepare({"DELTAWATCH_HOME": home, "DJANGO_SETTINGS_MODULE": env["DJANGO_SETTINGS_MODULE"]})
        table = []
        expected = write(base, plan, table)
        read(base, plan, expected, table)
        concurrent(base, plan, table)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(table, args.note)


def report(table, note):
    lines = ["# API benchmark (issue 18)", "",
             f"`benchmarks/bench_api.py` — {platform.python_implementation()} {platform.python_version()}, "
             f"{platform.machine()}, {os.cpu_count()} CPUs, SQLite, `deltawatch serve` (waitress, 8 threads) over HTTP "
             "on localhost. Goals: read 100,000 values under 2 s; write 100,000 under 20 s."
             + (f" {note}" if note else ""), "",
             "| what | values / requests | seconds | notes |", "|---|---:|---:|---|"]
    lines += [f"| {what} | {size} | {seconds:.2f} | {notes} |" for what, size, seconds, notes in table]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / "api.md"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
