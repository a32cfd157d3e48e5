"""The evidence-gap map: for each child outcome domain and level of need (or age group), how many
published programmes have evidence at level 4, 3 and 2, and how many have none at level 2.

The counts use the programme list's own definitions, so a cell's number is the number of programmes
its link lists: a programme "has" a domain through its headline findings (`programme_domain_rows`),
a level of need or an age group through the same relations as the list's filters, and the map's
narrowing filters (collection, delivery model, UK evaluation) are the list's FilterSet itself.
The whole grid is one grouped query, whatever the number of programmes or cells.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F
from django.http import QueryDict
from django.urls import reverse

from .filters import FACET_LEGENDS, Problem, ProgrammeFilterSet, programme_domain_rows
from .models import AgeGroup, LevelOfNeed, OutcomeDomain, Programme

# The list's filters that narrow the whole map; the rest of the query string is the map's own.
MAP_FILTERS = ("collection", "delivery", "uk_evaluation")


@dataclass(frozen=True)
class Axis:
    param: str  # the list's query-string key
    relation: str  # the Programme many-to-many field
    model: type
    legend: str  # "Level of need"


AXES = {
    "need": Axis("need", "levels_of_need", LevelOfNeed, "Level of need"),
    "age": Axis("age", "age_groups", AgeGroup, "Age group"),
}

# Evidence bands, strongest first: (key, the list's evidence codes, heading).
BANDS = (
    ("4", ("4",), "Level 4"),
    ("3", ("3",), "Level 3"),
    ("2", ("2",), "Level 2"),
    # NL2, NE and not yet rated: none is evidence that the programme works. The list has no filter
    # for "not yet rated", so this band links to the whole cell and is the total less the three above.
    ("none", (), "No level 2 evidence"),
)
CHILD_DOMAINS = [(value, label) for value, label in OutcomeDomain.choices if value != OutcomeDomain.FAMILY]


@dataclass
class Cell:
    domain: str
    column: str  # the axis option's slug
    column_name: str
    counts: dict[str, int]  # band key -> programmes
    total: int
    url: str  # the programme list filtered to this cell
    band_urls: dict[str, str] = field(default_factory=dict)

    @property
    def strongest(self) -> str:
        """The strongest band with a programme: the cell's shading ("" when the cell is empty)."""
        return next((key for key, _codes, _label in BANDS if self.counts.get(key)), "")

    @property
    def bands(self):
        """(key, heading, count, link) for each band, strongest first."""
        return [(key, label, self.counts.get(key, 0), self.band_urls[key]) for key, _codes, label in BANDS]


@dataclass
class Row:
    domain: str
    label: str
    cells: list[Cell]


@dataclass
class GapMap:
    axis: Axis
    columns: list  # the axis's lookup rows (slug, name)
    rows: list[Row]
    filterset: ProgrammeFilterSet
    problems: list[Problem]

    @property
    def is_empty(self) -> bool:
        return not any(cell.total for row in self.rows for cell in row.cells)


def map_query(data) -> tuple[str, QueryDict, list[Problem]]:
    """The axis asked for, the narrowing filters of `data` (a QueryDict) and a problem for a bad axis."""
    requested = data.get("axis", "need")
    problems = []
    if requested not in AXES:
        problems.append(
            Problem(
                "We did not recognise that choice of columns, so the map shows levels of need.",
                "axis",
                param="axis",
                value=requested[:40],
            )
        )
        requested = "need"
    narrowing = QueryDict(mutable=True)
    for key in MAP_FILTERS:
        if key in data:
            narrowing.setlist(key, data.getlist(key))
    return requested, narrowing, problems


def gap_map(data: QueryDict) -> GapMap:
    """The map for a query string: its axis ("need" or "age") and the list's narrowing filters.

    Three queries for the lookups the FilterSet offers, one for the columns and one grouped query for
    every cell, whatever the size of the catalogue.
    """
    axis_key, narrowing, problems = map_query(data)
    axis = AXES[axis_key]
    filterset = ProgrammeFilterSet(narrowing, queryset=Programme.objects.published())
    problems = [*filterset.problems, *problems]
    counts = count_cells(axis, filterset.qs.order_by().values("pk"))
    columns = list(axis.model.objects.all())
    base = filterset.data.copy()
    rows = []
    for domain, label in CHILD_DOMAINS:
        cells = []
        for column in columns:
            by_level = counts.get((domain, column.slug), {})
            cells.append(_cell(domain, column, axis, by_level, base))
        rows.append(Row(domain, label, cells))
    return GapMap(axis, columns, rows, filterset, problems)


def count_cells(axis: Axis, programme_ids) -> dict[tuple[str, str], dict[int | None, int]]:
    """{(domain, column slug): {evidence level: programmes}} for `programme_ids` (a values("pk") queryset).

    One grouped query: the (programme, domain) pairs of headline findings, joined to each programme's
    options on the axis and its evidence level, counting distinct programmes. programme_domain_rows()
    is a query on the programme–outcome table (one row per programme and headline outcome), so the axis
    and level are reached through its programme. One scan serves every domain (a subquery per domain
    scanned the findings seven times).
    """
    programme = "programme"
    rows = (
        programme_domain_rows(programme_ids)
        .values(
            cell_domain=F("outcome__domain"),
            column=F(f"{programme}__{axis.relation}__slug"),
            level=F(f"{programme}__evidence_level"),
        )
        .annotate(n=Count(programme, distinct=True))
        .filter(column__isnull=False, cell_domain__in=[domain for domain, _label in CHILD_DOMAINS])
        .order_by()
    )
    counts: dict[tuple[str, str], dict[int | None, int]] = {}
    for row in rows:
        counts.setdefault((row["cell_domain"], row["column"]), {})[row["level"]] = row["n"]
    return counts


def _cell(domain, column, axis, by_level, base) -> Cell:
    total = sum(by_level.values())
    counts = {key: sum(by_level.get(int(code), 0) for code in codes) for key, codes, _label in BANDS if codes}
    counts["none"] = total - sum(counts.values())
    query = base.copy()
    query.setlist("domain", [domain])
    query.setlist(axis.param, [column.slug])
    list_url = reverse("catalogue:programme-list")
    url = f"{list_url}?{query.urlencode()}"
    band_urls = {}
    for key, codes, _label in BANDS:
        band = query.copy()
        if codes:
            band.setlist("evidence", list(codes))
        else:
            band["sort"] = "evidence"  # the whole cell, strongest first: the ones below level 2 come last
        band_urls[key] = f"{list_url}?{band.urlencode()}"
    return Cell(domain, column.slug, column.name, counts, total, url, band_urls)


def filter_legends() -> dict[str, str]:
    return {key: FACET_LEGENDS[key] for key in MAP_FILTERS}


CSV_COLUMNS = ["Child outcome domain", "Column", *[label for _key, _codes, label in BANDS], "All programmes", "URL"]


def csv_rows(gap: GapMap, build_absolute_uri):
    """The data table as CSV rows: one per cell, with the same counts and links as the page."""
    yield [*CSV_COLUMNS[:1], gap.axis.legend, *CSV_COLUMNS[2:]]
    for row in gap.rows:
        for cell in row.cells:
            counts = [cell.counts.get(key, 0) for key, _codes, _label in BANDS]
            yield [row.label, cell.column_name, *counts, cell.total, build_absolute_uri(cell.url)]
