"""Time the programme list with search and filters in-process, and explain its slowest queries.

    DEBUG=true DATABASE_URL=... .venv/bin/python scripts/bench_search.py [--repeats 15] [--explain 3]

Uses Django's test client against whatever database DATABASE_URL names (build one first with
`manage.py load_real_data` and `manage.py generate_synthetic --programmes N --seed 1 --force`).
Prints the median and slowest time per page, then with --explain the K slowest statements of the
search-with-filters page with their plans (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY
PLAN on SQLite). Results for the record go in docs/benchmarks.md, "Search and facets".
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = [
    ("List", "/programmes/"),
    ("Search", "/programmes/?q=attachment"),
    ("Misspelt search", "/programmes/?q=atachment"),
    ("Search and 3 filters", "/programmes/?q=parents&min_evidence=2&age=infants&domain=mental_health"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--explain", type=int, default=0, help="explain the K slowest queries of the last page")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    print(f"{connection.vendor}, {args.repeats} requests per page after one warm-up\n")
    print("| Page | URL | median ms | max ms | queries |\n|---|---|---|---|---|")
    for label, url in PAGES:
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.repeats):
            reset_queries()
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        print(f"| {label} | `{url}` | {statistics.median(times):.0f} | {max(times):.0f} | {len(connection.queries)} |")
    if args.explain:
        reset_queries()
        client.get(PAGES[-1][1])
        slowest = sorted(connection.queries, key=lambda q: -float(q["time"]))[: args.explain]
        for query in slowest:
            print(f"\n-- {float(query['time']) * 1000:.1f} ms\n{query['sql'][:1500]}\n")
            explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
            with connection.cursor() as cursor:
                cursor.execute(explain + query["sql"])
                for row in cursor.fetchall():
                    print("   ", " ".join(str(cell) for cell in row))


if __name__ == "__main__":
    main()
