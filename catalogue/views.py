"""Public pages. Each view: an optimised queryset, then render."""

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render

from . import display, presenters
from .exports import programmes_csv_response
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
    PublicationStatus,
)

PAGE_SIZE = 20


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
        "collections": Collection.objects.annotate(programme_count=Count("programmes", filter=_published_programmes())),
    }
    return render(request, "catalogue/home.html", context)


def programme_list(request):
    canonical = _without_empty_values(request)
    if canonical is not None:
        return redirect(canonical)
    filterset = ProgrammeFilterSet(request.GET, queryset=Programme.objects.published())
    if request.GET.get("format") == "csv":
        return programmes_csv_response(filterset.qs.for_csv(), request)
    page = Paginator(filterset.qs.for_listing(), PAGE_SIZE).get_page(request.GET.get("page"))
    problems = [*filterset.problems, *_page_problems(request.GET.get("page"), page)]
    # A group with no option to show is left out, rather than opening empty.
    facets = [facet for facet in filterset.facets() if facet.options]
    context = {"filterset": filterset, "page": page, "facets": facets, "problems": problems}
    return render(request, "catalogue/programme_list.html", context)


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
    return render(request, "catalogue/programme_detail.html", context)


def programme_compare(request):
    selection = CompareSelection(request.GET, Programme.objects.published().for_export())
    columns = [(programme, *display.outcomes_by_domain(programme)) for programme in selection.programmes]
    return render(request, "catalogue/programme_compare.html", {"selection": selection, "columns": columns})


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


# --------------------------------------------------------------------------- helpers
def _published_programmes():
    """Counts on collections include only what the public can open."""
    return Q(programmes__status=PublicationStatus.PUBLISHED)


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


def _page_problems(requested, page) -> list[Problem]:
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
