"""Public pages. Each view: an optimised queryset, then render."""

import csv

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from . import display, gaps, presenters
from .exports import programmes_csv_response, safe_cell
from .filters import Problem, ProgrammeFilterSet, count_programmes_by
from .forms import CompareSelection
from .forms_costs import cost_form_has_errors
from .models import (
    EVIDENCE_LEVEL_CODES,
    Collection,
    EvidenceLevel,
    LevelOfNeed,
    OutcomeDomain,
    Programme,
    PublicationEvent,
    PublicationStatus,
)

PAGE_SIZE = 20
# Long option lists are cut to their largest entries, with a link to the full list (10,000 programmes
# came with 404 collections, every one printed on the home page and in the list's filters).
HOME_COLLECTIONS = 12
FACET_OPTIONS_SHOWN = 20


def home(request):
    published = Programme.objects.published()
    ids = published.values("pk")
    by_level = count_programmes_by("evidence", ids)
    by_domain = count_programmes_by("domain", ids)
    by_need = count_programmes_by("need", ids)
    levels = [
        (code, EvidenceLevel(level).label, by_level.get(code, 0))
        for level, code in sorted(EVIDENCE_LEVEL_CODES.items(), reverse=True)
    ]
    total = published.count()
    rated = sum(count for _code, _label, count in levels)
    context = {
        "total": total,
        "rated": rated,
        "unrated": total - rated,
        "levels": levels,
        "domains": [(value, label, by_domain.get(value, 0)) for value, label in OutcomeDomain.choices],
        "needs": [(need, by_need.get(need.slug, 0)) for need in LevelOfNeed.objects.all()],
    }
    context["collections"], context["more_collections"] = _largest_collections(HOME_COLLECTIONS)
    return render(request, "catalogue/home.html", context)


def programme_list(request):
    canonical = _without_empty_values(request)
    if canonical is not None:
        return redirect(canonical)
    filterset = ProgrammeFilterSet(request.GET, queryset=Programme.objects.published())
    if request.GET.get("format") == "csv":
        return programmes_csv_response(filterset.qs.for_csv(), request)
    page = Paginator(filterset.qs.for_listing(), PAGE_SIZE).get_page(request.GET.get("page"))
    problems = [*filterset.problems, *page_problems(request.GET.get("page"), page)]
    # A group with no option to show is left out, rather than opening empty.
    shown = [facet for facet in filterset.facets() if facet.options]
    facets, collections_not_shown = cap_collection_facet(shown, FACET_OPTIONS_SHOWN)
    context = {
        "filterset": filterset,
        "page": page,
        "facets": facets,
        "collections_not_shown": collections_not_shown,
        "problems": problems,
    }
    return uncached_if(problems, render(request, "catalogue/programme_list.html", context))


def programme_export(request):
    filterset = ProgrammeFilterSet(request.GET, queryset=Programme.objects.published())
    return programmes_csv_response(filterset.qs.for_csv(), request)


def programme_detail(request, slug):
    # Staff may preview a draft at its public address; everyone else sees published pages only.
    programme = get_object_or_404(Programme.objects.visible_to(request.user).for_detail(), slug=slug)
    summary = presenters.programme_summary(programme)
    context = {
        "programme": programme,
        "child_outcomes": summary.child_outcomes,
        "family_outcomes": summary.family_outcomes,
        "summary": summary,
        "is_preview": not programme.is_public,
        "has_errors": cost_form_has_errors(programme, request),
    }
    response = render(request, "catalogue/programme_detail.html", context)
    return uncached_if(context["is_preview"] or context["has_errors"], response)


def programme_updates(request, slug):
    """How to follow a published programme's feed, and what it has said so far."""
    programme = get_object_or_404(Programme.objects.published().prefetch_related("collections"), slug=slug)
    events = PublicationEvent.objects.public_history().filter(programme=programme).select_related("programme")
    feed = request.build_absolute_uri(reverse("programme-feed", kwargs={"slug": slug}))
    context = {"programme": programme, "events": events[:50], "feed_url": feed}
    return render(request, "catalogue/programme_updates.html", context)


def programme_compare(request):
    selection = CompareSelection(request.GET, Programme.objects.published().for_export())
    columns = [(programme, *display.outcomes_by_domain(programme)) for programme in selection.programmes]
    response = render(request, "catalogue/programme_compare.html", {"selection": selection, "columns": columns})
    return uncached_if(selection.problems, response)


def programme_compare_export(request):
    """The compared programmes as CSV, one row each, in the order chosen."""
    selection = CompareSelection(request.GET, Programme.objects.published().for_csv())
    return programmes_csv_response(selection.programmes, request)


def collection_list(request):
    collections = Collection.objects.annotate(programme_count=Count("programmes", filter=_published_programmes()))
    return render(request, "catalogue/collection_list.html", {"collections": collections})


def collection_detail(request, slug):
    collection = get_object_or_404(Collection, slug=slug)
    programmes = (
        collection.programmes.published()
        .for_listing()
        .order_by(F("evidence_level").desc(nulls_last=True), F("evidence_plus").desc(), "name")
    )
    context = {"collection": collection, "levels": _group_by_level(programmes)}
    return render(request, "catalogue/collection_detail.html", context)


def collection_export(request, slug):
    """A collection's published programmes as CSV, by name."""
    collection = get_object_or_404(Collection, slug=slug)
    return programmes_csv_response(collection.programmes.published().for_csv().order_by("name"), request)


def evidence_gaps(request):
    """The evidence-gap map: outcome domains against levels of need or age groups, with the data table."""
    gap = gaps.gap_map(request.GET)
    context = {"gap": gap, "axes": gaps.AXES, "filters": _map_filters(gap.filterset), "problems": gap.problems}
    return render(request, "catalogue/evidence_gaps.html", context)


def evidence_gaps_export(request):
    """The evidence-gap map's data table as CSV, for the same query string as the page."""
    gap = gaps.gap_map(request.GET)
    filename = f"evidence-guidebook-evidence-gaps-{timezone.localdate().isoformat()}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
    response.write("\ufeff")  # so Excel reads the text as UTF-8, as the programme CSV does
    writer = csv.writer(response)
    for row in gaps.csv_rows(gap, request.build_absolute_uri):
        writer.writerow([safe_cell(value) for value in row])
    return response


# --------------------------------------------------------------------------- helpers
def uncached_if(condition, response):
    """Mark a draft preview or a page showing a form error as never to be cached (config/page_cache.py,
    browsers, a CDN): an error belongs to one visitor's input, a preview to staff."""
    if condition:
        add_never_cache_headers(response)
    return response


def _map_filters(filterset):
    """(param, legend, multiple, [(value, label, checked)], any checked) for the map's narrowing filters."""
    filters = []
    for param, legend in gaps.filter_legends().items():
        selected = set(filterset.data.getlist(param))
        options = [(value, label, value in selected) for value, label in filterset.choices_for(param)]
        filters.append((param, legend, param != "uk_evaluation", options, bool(selected)))
    return filters


def _published_programmes():
    """Counts on collections include only what the public can open."""
    return Q(programmes__status=PublicationStatus.PUBLISHED)


def _largest_collections(limit: int) -> tuple[list[Collection], bool]:
    """The `limit` collections with the most published programmes, in the collections' own order, and
    whether there are more. One query: a row past the limit says there are."""
    counted = Collection.objects.annotate(programme_count=Count("programmes", filter=_published_programmes()))
    largest = list(counted.order_by("-programme_count", "order", "name")[: limit + 1])
    shown = sorted(largest[:limit], key=lambda collection: (collection.order, collection.name))
    return shown, len(largest) > limit


def cap_collection_facet(facets, limit: int):
    """The facets with the collection filter cut to its `limit` options giving most results, plus any
    ticked, in their usual order; and how many options were left out (the page links to all collections).

    A step after ProgrammeFilterSet.facets(), which decides which options show at all."""
    left_out = 0
    for facet in facets:
        if facet.param != "collection" or len(facet.options) <= limit:
            continue
        largest = sorted(range(len(facet.options)), key=lambda i: -facet.options[i].count)[:limit]
        keep = set(largest)
        kept = [option for i, option in enumerate(facet.options) if i in keep or option.checked]
        left_out = len(facet.options) - len(kept)
        facet.options = kept
    return facets, left_out


def _without_empty_values(request) -> str | None:
    """The list's address without empty parameters (`?q=&uk_provision=` from a form left blank), or None
    when there are none: one canonical URL per result set, for sharing, caching and analytics."""
    if all(value.strip() for _key, values in request.GET.lists() for value in values):
        return None
    kept = request.GET.copy()
    for key, values in request.GET.lists():
        kept.setlist(key, [value for value in values if value.strip()])
    query = kept.urlencode()
    return f"{request.path}?{query}" if query else request.path


def page_problems(requested, page) -> list[Problem]:
    if requested in (None, "") or requested == str(page.number):
        return []
    return [
        Problem(
            f"There is no page “{requested[:20]}” of these results, so we are showing page {page.number}.", "results"
        )
    ]


def _group_by_level(programmes):
    """[(level label, [programmes])] from the strongest evidence down; unrated programmes last."""
    groups = {}
    for programme in programmes:
        level = programme.evidence_level
        label = EvidenceLevel(level).label if level is not None else "Not yet rated"
        groups.setdefault(label, []).append(programme)
    return list(groups.items())
