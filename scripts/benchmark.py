"""Measure the key public pages: latency, SQL queries and response sizes, plus static asset weight.

    .venv/bin/python scripts/benchmark.py [--database-url URL] [--programmes 50 500] [--output docs/benchmark.md]

What it does, in one process and without a network:
1. Creates a throwaway database: a SQLite file under /tmp, or, with --database-url, the PostgreSQL
   database named in the URL (dropped first if it exists, and dropped again at the end).
2. Migrates, loads the real fixtures (fixtures/*.json) and runs recompute_evidence and
   rebuild_search_index, as `make data` does.
3. Adds SYNTHETIC programmes (named "Synthetic programme 0001"...), with studies, findings,
   publications, theory-of-change steps, lookups, collections and reviews, until the catalogue holds
   each N given to --programmes. They live only in the throwaway database, never in fixtures/.
4. At each N, requests every page with Django's test Client: 3 warm-ups, then timed requests
   (median and 95th percentile), the SQL query count of one more request, and the response size
   raw and gzipped. Settings are production-like: DEBUG off, hashed static files (collectstatic into
   a temporary STATIC_ROOT), the real middleware stack.
5. Marks each row pass/fail against the targets below. A miss never fails the run: this is a
   measurement, not a test (the project rule: speed is benchmarked, query counts are asserted in tests).

With --output the results replace this database's section of the file (between the
<!-- benchmark:<vendor>:start/end --> markers), so the hand-written text around them stays.
"""

import argparse
import datetime
import gzip
import os
import platform
import random
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# Targets (docs/benchmark.md states them too).
P95_TARGET_MS = 300  # every HTML page and API call, at the largest N
PROGRAMME_HTML_TARGET = 150 * 1024  # bytes, uncompressed
CSS_JS_GZIP_TARGET = 60 * 1024  # bytes transferred for the programme page's CSS and JS

WARMUPS = 3
DEFAULT_REPEATS = 30
PROGRAMME_SLUG = "infant-parent-psychotherapy"
COLLECTION_SLUG = "supporting-the-attachment-relationship"
BARLOW_CITATION = "Barlow et al. (2015)"
BENCH_DATABASE = "guidebook_bench"
HASHED = re.compile(r"\.[0-9a-f]{12}\.")  # the content hash collectstatic puts in a file name


# --------------------------------------------------------------------------- environment


def configure_environment(database_url: str | None) -> tuple[str, Path]:
    """Production-like settings, decided before Django reads them. Returns (database URL, temp dir)."""
    workdir = Path(tempfile.mkdtemp(prefix="guidebook-bench-"))
    if database_url is None:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # The test Client speaks plain HTTP; a TLS-terminating proxy would sit in front in production.
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    return database_url, workdir


def postgres_admin(database_url: str, action: str) -> None:
    """Create or drop the benchmark's own PostgreSQL database, connecting to the maintenance database."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if name != BENCH_DATABASE:
        # A typo must never drop someone else's database.
        raise SystemExit(f"Refusing to create or drop {name!r}: the benchmark only uses {BENCH_DATABASE!r}.")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if action == "create":
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


# --------------------------------------------------------------------------- data


def load_real_data() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("loaddata", *sorted(str(p) for p in (REPO / "fixtures").glob("*.json")), verbosity=0)
    refresh_derived_data()


def refresh_derived_data() -> None:
    """What `make data` runs after loaddata; bulk-created synthetic rows need it too."""
    from io import StringIO

    from django.core.management import call_command

    call_command("recompute_evidence", stdout=StringIO())
    call_command("rebuild_search_index", stdout=StringIO())


SYNTHETIC_TEXT = (
    "Synthetic benchmark data, not a real programme. Practitioners meet parents and their young children "
    "each week to build sensitive, responsive care. Sessions combine guided play, video feedback and "
    "discussion of the parent's own experience of being parented, so that parents notice and respond to "
    "their child's cues. It is meant for families where stress, depression or isolation make this harder."
)


def add_synthetic_programmes(start: int, stop: int, rng: random.Random) -> None:
    """Bulk-create synthetic programmes numbered start+1..stop, each with 3 studies of 2 findings.

    Bulk writes keep set-up fast at N=500; refresh_derived_data() then does what Finding.save()
    and the admin would have done (effect sizes, ratings, search text).
    """
    from django.utils.text import slugify

    from catalogue import models
    from reviews import models as review_models

    outcomes = list(models.Outcome.objects.filter(slug__startswith="synthetic-"))
    if not outcomes:
        outcomes = models.Outcome.objects.bulk_create(
            models.Outcome(name=f"Synthetic outcome {k} ({label})", slug=f"synthetic-outcome-{k}", domain=value)
            for k, (value, label) in enumerate(models.OutcomeDomain.choices * 2, start=1)
        )
    lookups = {
        "age_groups": list(models.AgeGroup.objects.all()),
        "levels_of_need": list(models.LevelOfNeed.objects.all()),
        "delivery_models": list(models.DeliveryModel.objects.all()),
        "settings": list(models.Setting.objects.all()),
        "countries": list(models.Country.objects.all()),
    }
    programmes = []
    for i in range(start + 1, stop + 1):
        level = rng.choice(list(models.EvidenceLevel))
        name = f"Synthetic programme {i:04d}"
        programmes.append(
            models.Programme(
                name=name,
                slug=slugify(name),
                summary=f"Synthetic benchmark programme {i}: "
                + ("attachment-focused support" if i % 3 == 0 else "parenting support")
                + " for families with young children.",
                description="\n\n".join([SYNTHETIC_TEXT] * 3),
                evidence_level=level,
                evidence_plus=level >= 2 and rng.random() < 0.4,
                evidence_overview=SYNTHETIC_TEXT,
                cost_rating=rng.choice([None, *models.CostRating.values[1:]]),
                delivery_summary="12 weekly sessions of an hour each, delivered by one practitioner.",
                what_happens="\n".join([SYNTHETIC_TEXT[:160]] * 4),
                intended_outcomes="Secure attachment\nParental sensitivity\nChild behaviour",
                status=models.PublicationStatus.PUBLISHED if i % 10 else models.PublicationStatus.DRAFT,
                published_on=datetime.date(2024, 1, 1) if i % 10 else None,
                last_reviewed_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 300),
            )
        )
    programmes = models.Programme.objects.bulk_create(programmes)

    for relation, options in lookups.items():
        through = getattr(models.Programme, relation).through
        target = getattr(models.Programme, relation).field.m2m_reverse_field_name()
        rows = []
        for programme in programmes:
            for option in rng.sample(options, k=min(len(options), rng.randint(1, 3))):
                rows.append(through(programme_id=programme.pk, **{f"{target}_id": option.pk}))
        through.objects.bulk_create(rows)
    models.TheoryOfChangeStep.objects.bulk_create(
        models.TheoryOfChangeStep(programme=programme, order=k, text=SYNTHETIC_TEXT[:140])
        for programme in programmes
        for k in range(1, 4)
    )

    studies = models.Study.objects.bulk_create(
        models.Study(
            programme=programme,
            number=k,
            citation_label=f"Synthetic et al ({2000 + (programme.pk + k) % 24})",
            year=2000 + (programme.pk + k) % 24,
            design=models.DesignType.RCT,
            rating=rng.choice(list(models.StudyRating)),
            sample_size=rng.randint(40, 400),
            sample_description="Synthetic sample of parents and infants",
            design_narrative=SYNTHETIC_TEXT,
            sample_narrative=SYNTHETIC_TEXT,
            measures_text="Attachment security: Strange Situation (expert observation).",
            findings_text=SYNTHETIC_TEXT[:200],
        )
        for programme in programmes
        for k in range(1, 4)
    )
    through = models.Study.countries.through
    countries = lookups["countries"]
    through.objects.bulk_create(through(study_id=study.pk, country_id=rng.choice(countries).pk) for study in studies)
    models.Publication.objects.bulk_create(
        models.Publication(
            study=study, authors="Synthetic, A., & Example, B.", year=study.year, title="A synthetic trial", order=1
        )
        for study in studies
    )
    findings = []
    for study in studies:
        for order in (1, 2):
            n = rng.randint(20, 200)
            finding = models.Finding(
                study=study,
                outcome=rng.choice(outcomes),
                statement="A synthetic finding: an improvement on this outcome.",
                significant=rng.random() < 0.7,
                is_headline=order == 1,
                order=order,
                mean_t=round(rng.uniform(10, 14), 2),
                sd_t=round(rng.uniform(2, 4), 2),
                n_t=n,
                mean_c=round(rng.uniform(9, 12), 2),
                sd_c=round(rng.uniform(2, 4), 2),
                n_c=n + rng.randint(-10, 10),
            )
            finding.apply_computed_effect()
            findings.append(finding)
    models.Finding.objects.bulk_create(findings)

    # Collections grow with N: every 10th synthetic programme joins the fixture collection the
    # benchmark opens, and every 25 form a synthetic collection of their own.
    collection = models.Collection.objects.get(slug=COLLECTION_SLUG)
    collection.programmes.add(*programmes[::10])
    for offset in range(0, len(programmes), 25):
        synthetic = models.Collection.objects.create(
            name=f"Synthetic collection {start + offset + 1:04d}",
            slug=f"synthetic-collection-{start + offset + 1:04d}",
            summary="Synthetic benchmark data.",
            order=100,
        )
        synthetic.programmes.add(*programmes[offset : offset + 25])

    # Reviews grow with N too: one synthetic review per 50 programmes, including one study of each.
    for offset in range(0, len(programmes), 50):
        review = review_models.Review.objects.create(
            title=f"A synthetic review {start + offset + 1:04d}",
            slug=f"synthetic-review-{start + offset + 1:04d}",
            short_citation=f"Synthetic et al. ({start + offset + 1:04d})",
            authors="Synthetic, R.",
            year=2020,
            kind=review_models.ReviewKind.SYSTEMATIC,
            status=models.PublicationStatus.PUBLISHED,
            published_on=datetime.date(2024, 1, 1),
            summary=SYNTHETIC_TEXT,
        )
        chunk = programmes[offset : offset + 50]
        review.programmes.add(*chunk[::5])
        first_studies = models.Study.objects.filter(programme__in=chunk, number=1)
        included = review_models.IncludedStudy.objects.bulk_create(
            review_models.IncludedStudy(review=review, study=study, order=k) for k, study in enumerate(first_studies)
        )
        review_models.RiskOfBias.objects.bulk_create(
            review_models.RiskOfBias(
                included_study=row, domain=domain, judgement=rng.choice(list(review_models.BiasJudgement))
            )
            for row in included
            for domain in list(review_models.BiasDomain)[:4]
        )


# --------------------------------------------------------------------------- measuring


@dataclass
class Row:
    label: str
    url: str
    status: int = 0
    samples_ms: list[float] = field(default_factory=list)
    queries: int = 0
    size: int = 0
    gzip_size: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.samples_ms, n=100, method="inclusive")[94]


def every_filter_url() -> str:
    """The programme list searched with every filter at once, each set to an option the catalogue has: the
    costliest request a visitor can make of the list (a search plus fifteen filters and their counts)."""
    from urllib.parse import urlencode

    from catalogue.models import AgeGroup, Collection, Country, DeliveryModel, LevelOfNeed, Outcome, Setting

    first = {
        param: model.objects.order_by("pk").values_list("slug", flat=True).first()
        for param, model in (
            ("age", AgeGroup),
            ("need", LevelOfNeed),
            ("delivery", DeliveryModel),
            ("setting", Setting),
            ("country", Country),
            ("collection", Collection),
            ("outcome", Outcome),
        )
    }
    query = {
        "q": "attachment",
        "evidence": ["3", "4"],
        "min_evidence": "2",
        "cost": ["1", "2", "NA"],
        "domain": "mental_health",
        "uk_provision": "yes",
        "uk_evaluation": "no",
        "sort": "evidence",
    }
    query.update({param: slug for param, slug in first.items() if slug})
    return "/programmes/?" + urlencode(query, doseq=True)


def pages() -> list[tuple[str, str]]:
    from catalogue.models import Programme
    from reviews.models import Review

    barlow = Review.objects.get(short_citation=BARLOW_CITATION).slug
    compared = list(Programme.objects.published().order_by("pk").values_list("slug", flat=True)[:4])
    return [
        ("Home", "/"),
        ("Programme list", "/programmes/"),
        ("Programme list, filtered", "/programmes/?min_evidence=3&age=infants"),
        ("Programme list, search", "/programmes/?q=attachment"),
        ("Programme list, misspelt search", "/programmes/?q=atachment"),
        ("Programme list, search with every filter", every_filter_url()),
        ("CSV export (all published)", "/programmes/export.csv"),
        ("Programme page", f"/programmes/{PROGRAMME_SLUG}/"),
        ("Compare 2", "/programmes/compare/?" + "&".join(f"p={s}" for s in compared[:2])),
        ("Compare 4", "/programmes/compare/?" + "&".join(f"p={s}" for s in compared)),
        ("Collection", f"/collections/{COLLECTION_SLUG}/"),
        ("Review list", "/reviews/"),
        (
            "Review list, search with every filter",
            "/reviews/?q=attachment&kind=cochrane&year_from=2000&year_to=2026&collection=supporting-the-attachment-relationship",
        ),
        ("Review (Barlow 2015)", f"/reviews/{barlow}/"),
        ("API programme list", "/api/v1/programmes/"),
        ("API programme", f"/api/v1/programmes/{PROGRAMME_SLUG}/"),
        ("API programme list, filtered", "/api/v1/programmes/?min_evidence=3&age=infants"),
        ("Guidance page", "/guidance/evidence-ratings/"),
    ]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def measure(client, label: str, url: str, repeats: int) -> Row:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    row = Row(label, url)
    for _ in range(WARMUPS):
        body(client.get(url))
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        content = body(response)
        row.samples_ms.append((time.perf_counter() - started) * 1000)
    # Counted on a separate request: capturing SQL slows the cursor, so it must not touch the timings.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        content = body(response)
    row.status, row.queries = response.status_code, len(captured)
    if row.status != 200:  # a moved or broken address would time a redirect or an error page, not the page
        raise SystemExit(f"{label}: {url} answered {row.status}, not 200")
    row.size, row.gzip_size = len(content), len(gzip.compress(content, compresslevel=9))
    return row


def collect_static(workdir: Path) -> Path:
    """collectstatic into a temporary STATIC_ROOT, as a deployment does (hashed names, .gz files)."""
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command

    settings.STATIC_ROOT = workdir / "staticfiles"
    call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())
    return settings.STATIC_ROOT


def page_assets(html: str, static_root: Path) -> list[tuple[str, int, int]]:
    """The CSS and JS a browser fetches for this HTML (following JS module imports): (name, bytes, gzip)."""
    from django.conf import settings

    prefix = "/" + settings.STATIC_URL.lstrip("/")
    urls = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(r'<script[^>]* src="([^"]+)"', html)
    seen, assets = set(), []
    while urls:
        url = urls.pop(0)
        if url in seen or not url.startswith(prefix):
            continue
        seen.add(url)
        path = static_root / url.removeprefix(prefix)
        data = path.read_bytes()
        assets.append((url.removeprefix(prefix), len(data), len(gzip.compress(data, compresslevel=9))))
        if path.suffix == ".js":
            for imported in re.findall(rb"""(?:import|from)\s*['"]([^'"]+\.js)['"]""", data):
                resolved = (path.parent / imported.decode()).resolve().relative_to(static_root.resolve())
                urls.append(prefix + resolved.as_posix())
    return assets


# --------------------------------------------------------------------------- report


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def report(server, sizes, results: dict[int, list[Row]], assets, repeats, load) -> str:
    import django

    largest = max(sizes)
    lines = [
        f"### {server}",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs "
        f"(nproc), {platform.platform()}, Python {platform.python_version()}, Django {django.get_version()}. "
        f"Load average (1, 5, 15 min) when measuring began: {load}; other work on the machine inflates latency. "
        f"{WARMUPS} warm-ups then {repeats} timed requests per page. N = programmes added on top of the "
        "real fixtures (one in ten synthetic programmes is a draft, so not public).",
        "",
    ]
    header = ["Page", "URL"]
    for n in sizes:
        header += [f"p95 ms N={n}"]
    header += [f"median ms N={largest}", f"p95 < {P95_TARGET_MS} ms"]
    header += [f"queries N={n}" for n in sizes] + ["queries constant"]
    header += [f"bytes N={largest}", f"gzip N={largest}", "status"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, row in enumerate(results[largest]):
        by_n = [results[n][index] for n in sizes]
        counts = [r.queries for r in by_n]
        cells = [row.label, f"`{row.url}`"]
        cells += [f"{r.p95_ms:.1f}" for r in by_n]
        cells += [f"{row.median_ms:.1f}", verdict(row.p95_ms < P95_TARGET_MS)]
        cells += [str(c) for c in counts] + [verdict(len(set(counts)) == 1)]
        cells += [f"{row.size:,}", f"{row.gzip_size:,}", str(row.status)]
        lines.append("| " + " | ".join(cells) + " |")

    programme = next(r for r in results[largest] if r.label == "Programme page")
    css_js_gzip = sum(g for _, _, g in assets)
    lines += [
        "",
        f"Programme page weight (N={largest}): HTML {kb(programme.size)} ({kb(programme.gzip_size)} gzipped) "
        f"– target < {kb(PROGRAMME_HTML_TARGET)}: {verdict(programme.size < PROGRAMME_HTML_TARGET)}. "
        f"CSS and JS {kb(sum(s for _, s, _ in assets))} ({kb(css_js_gzip)} gzipped) – target "
        f"< {kb(CSS_JS_GZIP_TARGET)} gzipped: {verdict(css_js_gzip < CSS_JS_GZIP_TARGET)}. "
        f"Total transferred (gzip): {kb(programme.gzip_size + css_js_gzip)}.",
        "",
        "| Static asset on the programme page | bytes | gzip |",
        "|---|---|---|",
    ]
    # Hashed names change with every edit; the plain name reads better in a committed document.
    lines += [f"| `{HASHED.sub('.', name)}` | {size:,} | {gz:,} |" for name, size, gz in assets]
    return "\n".join(lines) + "\n"


SKELETON = """# Performance benchmark

Written by `scripts/benchmark.py`; the sections between the markers are replaced on each run.

<!-- benchmark:sqlite:start -->
<!-- benchmark:sqlite:end -->

<!-- benchmark:postgresql:start -->
<!-- benchmark:postgresql:end -->
"""


def write_section(output: Path, vendor: str, text: str) -> None:
    document = output.read_text() if output.exists() else SKELETON
    start, end = f"<!-- benchmark:{vendor}:start -->", f"<!-- benchmark:{vendor}:end -->"
    if start not in document:
        document += f"\n{start}\n{end}\n"
    before, rest = document.split(start, 1)
    _, after = rest.split(end, 1)
    output.write_text(f"{before}{start}\n{text}{end}{after}")


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help=f"PostgreSQL URL whose database is named {BENCH_DATABASE} (created and dropped); default SQLite in /tmp",
    )
    parser.add_argument(
        "--programmes",
        type=int,
        nargs="+",
        default=[50, 500],
        metavar="N",
        help="synthetic programme counts to measure at, ascending (default: 50 500)",
    )
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS, help="timed requests per page (default 30)")
    parser.add_argument("--output", type=Path, help="markdown file whose section for this database is replaced")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the synthetic data")
    options = parser.parse_args()
    sizes = sorted(set(options.programmes))

    database_url, workdir = configure_environment(options.database_url)
    if options.database_url:
        postgres_admin(database_url, "create")
    try:
        import django

        django.setup()
        from django.db import connection
        from django.test import Client

        static_root = collect_static(workdir)
        print(f"Database: {connection.vendor}; loading fixtures…", flush=True)
        load_real_data()
        rng = random.Random(options.seed)  # noqa: S311 -- synthetic data, not security
        results: dict[int, list[Row]] = {}
        added = 0
        client = Client()
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        for n in sizes:
            print(f"Adding synthetic programmes up to N={n}…", flush=True)
            add_synthetic_programmes(added, n, rng)
            refresh_derived_data()
            added = n
            results[n] = []
            for label, url in pages():
                row = measure(client, label, url, options.repeats)
                results[n].append(row)
                print(f"  N={n} {label}: p95 {row.p95_ms:.1f} ms, {row.queries} queries, {row.size:,} B", flush=True)
        html = body(client.get(f"/programmes/{PROGRAMME_SLUG}/")).decode()
        assets = page_assets(html, static_root)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            import sqlite3

            server = f"SQLite {sqlite3.sqlite_version}"
        text = report(server, sizes, results, assets, options.repeats, load)
        connection.close()
    finally:
        if options.database_url:
            postgres_admin(database_url, "drop")
        shutil.rmtree(workdir, ignore_errors=True)
    if options.output:
        write_section(options.output, "postgresql" if options.database_url else "sqlite", text)
        print(f"Wrote the {server} section of {options.output}")
    else:
        print(text)


if __name__ == "__main__":
    main()
