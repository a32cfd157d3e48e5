"""Measure the site as production runs it, at several catalogue sizes: gunicorn workers over real HTTP.

    make benchmark-scale                       # 100 and 10,000 programmes, into docs/benchmarks.md
    BENCH_SIZES="100 1000" make benchmark-scale
    .venv/bin/python scripts/bench_scale.py --programmes 100 1000 [--workers 2] [--output docs/benchmarks.md]

For each N it:
1. Builds a PostgreSQL database named <prefix>_<N> (dropped first if it exists, and afterwards unless
   --keep): migrate, the real data (`load_real_data`), then `generate_synthetic --programmes N --force`.
2. Collects static files and starts gunicorn (config/gunicorn.conf.py) with DEBUG off on 127.0.0.1.
3. Cold: the page cache off (PAGE_CACHE_SECONDS=0), so every request renders: --repeats sequential
   requests per page after one warm-up (median and 95th percentile). For the CSV, also the time to the
   first byte (the status line and headers: the download streams).
4. Warm: the server restarted with the page cache on (local memory per worker, as without REDIS_URL):
   one request to fill the cache in each worker, then --repeats requests per page.
5. Throughput: --clients concurrent clients, each on its own keep-alive connection, requesting one URL
   for --duration seconds: the programme list and a programme page, cold and warm, and a static file of
   the programme list's size (what the server does with no Django work at all).
6. Worker memory after the load: resident (RSS) and proportional (PSS: shared pages divided among the
   processes sharing them, the fairer figure with preload_app) per worker, from /proc.

Client and server share this machine's CPUs, so throughput is a floor, not a capacity plan. Only
127.0.0.1 is ever contacted. The database names must start with --prefix (default guidebook_scale),
so a mistyped option cannot drop anything else. The results replace the part of --output between
the bench-scale markers; the rest of the file (hand-written sections) is kept.
"""

import argparse
import datetime
import http.client
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
PROGRAMME_SLUG = "infant-parent-psychotherapy"
OTHER_SLUG = "child-first"
REVIEW_SLUG = "barlow-2015-parent-infant-psychotherapy"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
STATIC_NAME = "bench/list-sized.html"  # written into STATIC_ROOT, the size of the programme list

PAGES = [
    ("Home", "/"),
    ("Programme list", "/programmes/"),
    ("List, 3 filters", "/programmes/?min_evidence=3&age=infants&need=targeted-indicated"),
    ("Search", "/programmes/?q=attachment"),
    ("Search, misspelt", "/programmes/?q=atachmnet"),
    ("Search and 3 filters", "/programmes/?q=parenting&min_evidence=2&age=infants&need=targeted-indicated"),
    (
        "Search and every filter",
        "/programmes/?q=attachment&evidence=3&evidence=4&min_evidence=2&cost=1&cost=NA&age=infants"
        "&domain=mental_health&need=targeted-indicated&delivery=individual&setting=home&uk_evaluation=no"
        "&uk_provision=yes&sort=evidence",
    ),
    ("Programme page", f"/programmes/{PROGRAMME_SLUG}/"),
    ("Compare", f"/programmes/compare/?p={PROGRAMME_SLUG}&p={OTHER_SLUG}"),
    ("Evidence-gap map", "/evidence-gaps/"),
    ("Review list", "/reviews/"),
    ("Review page", f"/reviews/{REVIEW_SLUG}/"),
    ("API programme list", "/api/v1/programmes/"),
    ("CSV of every programme", "/programmes/export.csv"),
]
LOAD_PAGES = [("Programme list", "/programmes/"), ("Programme page", f"/programmes/{PROGRAMME_SLUG}/")]


# --------------------------------------------------------------------------- database and server


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=REPO, env=env, check=True, **kwargs)  # noqa: S603 - our own commands


def psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-qtA", f"{ADMIN_URL}/{database}", "-c", sql]
    result = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603, S607 - our own SQL
    return result.stdout.strip()


def server_env(database: str, port: int, workers: int, page_cache_seconds: int) -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{ADMIN_URL}/{database}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "WARNING",
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        "REDIS_URL": "",  # local memory: the run never touches a shared Redis
        # The load test is one address: without this its requests would soon be refused with 429s.
        "API_ANON_THROTTLE_RATE": "1000000/minute",
    }


def build_database(database: str, programmes: int, env: dict) -> float:
    """Create the database and fill it; returns the generator's seconds."""
    psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{database}"')
    run([PY, "manage.py", "migrate", "--no-input", "-v0"], env)
    run([PY, "manage.py", "load_real_data", "-v0"], env, stdout=subprocess.DEVNULL)
    started = time.monotonic()
    run(
        [PY, "manage.py", "generate_synthetic", "--programmes", str(programmes), "--seed", "1", "--force"],
        env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn in its own process group, stopped with SIGTERM to that group only."""

    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log

    def __enter__(self):
        self.output = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn
            [str(Path(PY).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"],
            cwd=REPO,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {self.log}")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.output.close()

    def worker_memory(self) -> list[tuple[int, int]]:
        """(RSS KB, PSS KB) of each worker: the children of the gunicorn master."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        memory = []
        for pid in children:
            rss = int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))
            pss = int(re.search(r"Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text()).group(1))
            memory.append((rss, pss))
        return memory


# --------------------------------------------------------------------------- HTTP


def request(port: int, url: str, connection=None) -> tuple[int, int, float, float, str]:
    """GET url; returns (status, body bytes, ms to the headers, ms to the last byte, X-Cache).

    Reuses `connection` when given (keep-alive)."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", url, headers={"Host": "127.0.0.1", "Accept-Encoding": "identity"})
    response = connection.getresponse()
    first = (time.perf_counter() - started) * 1000
    size = len(response.read())
    elapsed = (time.perf_counter() - started) * 1000
    if own:
        connection.close()
    return response.status, size, first, elapsed, response.getheader("X-Cache", "")


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94] if len(samples) > 1 else samples[0]


def measure(port: int, url: str, repeats: int, warmups: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(warmups):
        request(port, url, connection)
    totals, firsts, states, status, size = [], [], set(), 0, 0
    for _ in range(repeats):
        status, size, first, elapsed, state = request(port, url, connection)
        totals.append(elapsed)
        firsts.append(first)
        states.add(state)
    connection.close()
    return {
        "status": status,
        "bytes": size,
        "median": statistics.median(totals),
        "p95": p95(totals),
        "first_median": statistics.median(firsts),
        "first_p95": p95(firsts),
        "cache": "/".join(sorted(states)),
    }


def measure_load(port: int, url: str, clients: int, duration: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.monotonic() < stop:
            try:
                status, _, _, elapsed, _ = request(port, url, connection)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status, elapsed = 0, 0.0
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "rps": len(latencies) / elapsed,
        "errors": errors[0],
        "median": statistics.median(latencies) if latencies else 0.0,
        "p95": p95(latencies) if latencies else 0.0,
    }


# --------------------------------------------------------------------------- report


def _ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def report(results: dict, args, load: str, generator: dict) -> str:
    sizes = sorted(results)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    server = psql("SHOW server_version")
    smallest, largest = sizes[0], sizes[-1]
    lines = [
        f"Measured {when} UTC on {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"PostgreSQL {server}. Load average when measuring began: {load}. gunicorn with {args.workers} sync "
        f"workers, DEBUG off, over HTTP on 127.0.0.1 (client and server share the CPUs). N = synthetic "
        f"programmes added to the 12 real ones. Cold: page cache off (PAGE_CACHE_SECONDS=0), one warm-up then "
        f"{args.repeats} requests. Warm: page cache on, {2 * args.workers + 1} warm-ups then {args.repeats} "
        "requests (the X-Cache column says what they were). Milliseconds to the last byte; for the CSV also to "
        "the first (headers).",
        "",
    ]
    for n in sizes:
        lines += [
            f"### N = {n:,} (generator {generator[n]:.0f} s)",
            "",
            "| Page | URL | cold median | cold p95 | warm median | warm p95 | X-Cache (warm) | bytes |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for index, (label, url) in enumerate(PAGES):
            cold, warm = results[n]["cold"][index], results[n]["warm"][index]
            status = "" if cold["status"] == 200 else f" (HTTP {cold['status']})"
            lines.append(
                f"| {label}{status} | `{url}` | {_ms(cold['median'])} | {_ms(cold['p95'])} | {_ms(warm['median'])} | "
                f"{_ms(warm['p95'])} | {warm['cache']} | {cold['bytes']:,} |"
            )
            if url.endswith(".csv"):
                lines.append(
                    f"| {label}: first byte | | {_ms(cold['first_median'])} | {_ms(cold['first_p95'])} | "
                    f"{_ms(warm['first_median'])} | {_ms(warm['first_p95'])} | | |"
                )
        lines.append("")
    lines += [
        f"### Throughput: {args.clients} concurrent clients, {args.duration:.0f} s per URL",
        "",
        "| N | URL | cache | requests/s | median ms | p95 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        for (label, cache_state), row in results[n]["load"].items():
            lines.append(
                f"| {n:,} | {label} | {cache_state} | {row['rps']:.1f} | {_ms(row['median'])} | {_ms(row['p95'])} | "
                f"{row['errors']} |"
            )
    lines += [
        "",
        "### Worker memory after the load",
        "",
        "| N | RSS MB per worker | PSS MB per worker |",
        "|---|---|---|",
    ]
    for n in sizes:
        memory = results[n]["memory"]
        rss = "/".join(f"{r / 1024:.0f}" for r, _ in memory)
        pss = "/".join(f"{p / 1024:.0f}" for _, p in memory)
        lines.append(f"| {n:,} | {rss} | {pss} |")
    if largest != smallest:
        lines += [
            "",
            f"### Growth: N = {largest:,} over N = {smallest:,} (cold median; 1.0 = no slower)",
            "",
            "| Page | ratio |",
            "|---|---|",
        ]
        for index, (label, _url) in enumerate(PAGES):
            small, big = results[smallest]["cold"][index]["median"], results[largest]["cold"][index]["median"]
            lines.append(f"| {label} | {big / small:.1f} |")
    return "\n".join(lines) + "\n"


START, END = "<!-- bench-scale:start -->", "<!-- bench-scale:end -->"


def write_section(path: Path, text: str) -> None:
    """Replace what lies between the markers in `path` (created if missing), keeping everything else."""
    current = path.read_text() if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in current:
        current = f"{current.rstrip()}\n\n{START}\n{END}\n"
    before, _, rest = current.partition(START)
    _, _, after = rest.partition(END)
    path.write_text(f"{before}{START}\n{text}{END}{after}")


def write_static_file(size: int) -> None:
    """A file of `size` bytes among the collected static files, for the static-file throughput row."""
    target = REPO / "staticfiles" / STATIC_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"<!doctype html>" + b"x" * max(size - 15, 0))


def bench_one(n: int, args, log: Path) -> tuple[float, dict]:
    """Build, serve and measure the catalogue at N programmes; returns (generator seconds, results)."""
    database = f"{args.prefix}_{n}"
    port = free_port()
    cold_env = server_env(database, port, args.workers, page_cache_seconds=0)
    warm_env = {**cold_env, "PAGE_CACHE_SECONDS": "300"}
    print(f"N={n}: building {database}…", file=sys.stderr)
    generator = build_database(database, n, cold_env)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], cold_env)
    load_results = {}
    try:
        with Server(cold_env, port, log):
            print(f"N={n}: cold requests", file=sys.stderr)
            cold = [measure(port, url, args.repeats, warmups=1) for _, url in PAGES]
            for label, url in LOAD_PAGES:
                print(f"N={n}: {args.clients} clients on {url}, cache off", file=sys.stderr)
                load_results[(label, "off")] = measure_load(port, url, args.clients, args.duration)
        write_static_file(cold[1]["bytes"])  # whitenoise indexes static files when the server starts
        with Server(warm_env, port, log) as server:
            print(f"N={n}: warm requests", file=sys.stderr)
            warm = [measure(port, url, args.repeats, warmups=2 * args.workers + 1) for _, url in PAGES]
            for label, url in [*LOAD_PAGES, (f"Static file ({cold[1]['bytes']:,} bytes)", f"/static/{STATIC_NAME}")]:
                print(f"N={n}: {args.clients} clients on {url}, cache on", file=sys.stderr)
                load_results[(label, "on")] = measure_load(port, url, args.clients, args.duration)
            memory = server.worker_memory()
    finally:
        if not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return generator, {"cold": cold, "warm": warm, "load": load_results, "memory": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programmes", type=int, nargs="+", default=[100, 10000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--prefix", default="guidebook_scale", help="database names are <prefix>_<N>")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--output", type=Path, help="write the results into this markdown file")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*scale[a-z0-9_]*", args.prefix):
        raise SystemExit("--prefix must be a plain lower-case name containing 'scale' (e.g. guidebook_scale).")

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    results, generator = {}, {}
    log = Path(f"/tmp/{args.prefix}-gunicorn.log")  # noqa: S108 - a local log file for the run
    for n in sorted(args.programmes):
        generator[n], results[n] = bench_one(n, args, log)

    text = report(results, args, load, generator)
    print(text)
    if args.output:
        write_section(args.output, text)


if __name__ == "__main__":
    main()
