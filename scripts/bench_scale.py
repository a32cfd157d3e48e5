"""Measure the site as production runs it, at several catalogue sizes: gunicorn workers over real HTTP.

    .venv/bin/python scripts/bench_scale.py --programmes 100 1000 [--workers 2] [--output docs/benchmark-scale.md]

For each N it:
1. Builds a PostgreSQL database named <prefix>_<N> (dropped first if it exists, and afterwards unless
   --keep): migrate, the real data (`load_real_data`), then `generate_synthetic --programmes N --force`.
2. Collects static files and starts gunicorn (config/gunicorn.conf.py) with DEBUG off on 127.0.0.1.
3. Cold: the first request to each page after a fresh start of the server, over --restarts starts.
   Warm: --repeats sequential requests per page after warm-up (median and 95th percentile).
4. Throughput: --clients concurrent clients, each on its own keep-alive connection, requesting the
   pages in turn for --duration seconds: requests per second, latency under load, errors.
5. Worker memory after the load: resident (RSS) and proportional (PSS: shared pages divided among the
   processes sharing them, the fairer figure with preload_app) per worker, from /proc.

Client and server share this machine's CPUs, so throughput is a floor, not a capacity plan. Only
127.0.0.1 is ever contacted. The database names must start with --prefix (default guidebook_scale),
so a mistyped option cannot drop anything else.
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
COLLECTION_SLUG = "supporting-the-attachment-relationship"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432"


def pages(synthetic_slug: str) -> list[tuple[str, str]]:
    return [
        ("Home", "/"),
        ("Programme list", "/programmes/"),
        ("Programme list, filtered", "/programmes/?min_evidence=3&age=infants"),
        ("Programme list, search", "/programmes/?q=attachment"),
        ("Programme list, page 5", "/programmes/?page=5"),
        ("Programme page (real)", f"/programmes/{PROGRAMME_SLUG}/"),
        ("Programme page (synthetic)", f"/programmes/{synthetic_slug}/"),
        ("Collection", f"/collections/{COLLECTION_SLUG}/"),
        ("Review list", "/reviews/"),
        ("API programme list", "/api/programmes/"),
        ("CSV export", "/programmes/export.csv"),
        ("Health check", "/healthz"),
    ]


# --------------------------------------------------------------------------- database and server


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=REPO, env=env, check=True, **kwargs)  # noqa: S603 - our own commands


def psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-qtA", f"{ADMIN_URL}/{database}", "-c", sql]
    result = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603, S607 - our own SQL
    return result.stdout.strip()


def server_env(database: str, port: int, workers: int) -> dict:
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


def request(port: int, url: str, connection=None) -> tuple[int, int, float]:
    """GET url; returns (status, body bytes, milliseconds). Reuses `connection` when given (keep-alive)."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", url, headers={"Host": "127.0.0.1", "Accept-Encoding": "identity"})
    response = connection.getresponse()
    size = len(response.read())
    elapsed = (time.perf_counter() - started) * 1000
    if own:
        connection.close()
    return response.status, size, elapsed


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94] if len(samples) > 1 else samples[0]


def measure_warm(port: int, url: str, repeats: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(3):
        request(port, url, connection)
    samples, status, size = [], 0, 0
    for _ in range(repeats):
        status, size, elapsed = request(port, url, connection)
        samples.append(elapsed)
    connection.close()
    return {"status": status, "bytes": size, "median": statistics.median(samples), "p95": p95(samples)}


def measure_load(port: int, urls: list[str], clients: int, duration: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client(offset: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        k = offset
        while time.monotonic() < stop:
            url = urls[k % len(urls)]
            k += 1
            try:
                status, _, elapsed = request(port, url, connection)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, elapsed = 0, 0.0
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "errors": errors[0],
        "median": statistics.median(latencies),
        "p95": p95(latencies),
    }


# --------------------------------------------------------------------------- report


def report(results: dict, args, load: str, generator: dict) -> str:
    sizes = sorted(results)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    server = psql("SHOW server_version")
    lines = [
        f"Measured {when} UTC on {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"PostgreSQL {server}. Load average when measuring began: {load}. gunicorn with {args.workers} sync "
        f"workers, DEBUG off, over HTTP on 127.0.0.1 (client and server share the CPUs). Cold: first request "
        f"after a fresh server start, over {args.restarts} starts. Warm: 3 warm-ups then {args.repeats} "
        "requests on one keep-alive connection. N = synthetic programmes added to the 12 real ones.",
        "",
        "| Page | URL | "
        + " | ".join(f"cold median ms N={n} | cold max ms N={n}" for n in sizes)
        + " | "
        + " | ".join(f"warm median ms N={n} | warm p95 ms N={n}" for n in sizes)
        + f" | bytes N={sizes[-1]} |",
        "|" + "---|" * (3 + 4 * len(sizes)),
    ]
    for index, (label, url) in enumerate(results[sizes[0]]["pages"]):
        cells = [label, f"`{url}`"]
        for n in sizes:
            cold = results[n]["cold"][index]
            cells += [f"{statistics.median(cold):.0f}", f"{max(cold):.0f}"]
        for n in sizes:
            warm = results[n]["warm"][index]
            status = "" if warm["status"] == 200 else f" (HTTP {warm['status']})"
            cells += [f"{warm['median']:.1f}{status}", f"{warm['p95']:.1f}"]
        cells.append(f"{results[sizes[-1]]['warm'][index]['bytes']:,}")
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"| N | generator s | requests/s, {args.clients} clients | median ms under load | p95 ms under load | "
        "errors | worker RSS MB | worker PSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        load_result, memory = results[n]["load"], results[n]["memory"]
        rss = "/".join(f"{r / 1024:.0f}" for r, _ in memory)
        pss = "/".join(f"{p / 1024:.0f}" for _, p in memory)
        lines.append(
            f"| {n:,} | {generator[n]:.0f} | {load_result['rps']:.1f} | {load_result['median']:.0f} | "
            f"{load_result['p95']:.0f} | {load_result['errors']} | {rss} | {pss} |"
        )
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    start, end = "<!-- bench-scale:start -->", "<!-- bench-scale:end -->"
    current = path.read_text() if path.exists() else f"# Scale benchmark\n\n{start}\n{end}\n"
    before, _, rest = current.partition(start)
    _, _, after = rest.partition(end)
    path.write_text(f"{before}{start}\n{text}{end}{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programmes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0)
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
        database = f"{args.prefix}_{n}"
        port = free_port()
        env = server_env(database, port, args.workers)
        print(f"N={n}: building {database}…", file=sys.stderr)
        generator[n] = build_database(database, n, env)
        run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], env)
        synthetic = psql("SELECT slug FROM catalogue_programme WHERE is_synthetic ORDER BY id LIMIT 1", database)
        page_list = pages(synthetic)
        cold = [[] for _ in page_list]
        try:
            for restart in range(args.restarts):
                print(f"N={n}: cold start {restart + 1}/{args.restarts}", file=sys.stderr)
                with Server(env, port, log):
                    for index, (_, url) in enumerate(page_list):
                        cold[index].append(request(port, url)[2])
            with Server(env, port, log) as server:
                print(f"N={n}: warm requests", file=sys.stderr)
                warm = [measure_warm(port, url, args.repeats) for _, url in page_list]
                print(f"N={n}: {args.clients} clients for {args.duration:.0f} s", file=sys.stderr)
                urls = [url for label, url in page_list if label not in {"CSV export", "Health check"}]
                load_result = measure_load(port, urls, args.clients, args.duration)
                memory = server.worker_memory()
        finally:
            if not args.keep:
                psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        results[n] = {"pages": page_list, "cold": cold, "warm": warm, "load": load_result, "memory": memory}

    text = report(results, args, load, generator)
    print(text)
    if args.output:
        write_section(args.output, text)


if __name__ == "__main__":
    main()
