"""Reading the comparison page's choice of programmes (the list's filters are in filters.py)."""

from .models import Programme

MIN_COMPARED = 2
MAX_COMPARED = 4
# Anything beyond this many `p` values is certainly a mistake; we do not look them up.
MAX_REQUESTED = 20


class CompareSelection:
    """Which programmes to compare: 2 to 4 published programmes by slug, in the order given.

    It never rejects the request outright: unknown slugs are dropped and a fifth programme onwards
    is left out, each with a message in `problems`; `programmes` holds whatever could be used.
    """

    def __init__(self, data, queryset):
        requested = list(dict.fromkeys(slug.strip()[:200] for slug in data.getlist("p") if slug.strip()))
        requested = requested[:MAX_REQUESTED]
        found = {programme.slug: programme for programme in queryset.filter(slug__in=requested)}
        self.problems: list[str] = []
        unknown = [slug for slug in requested if slug not in found]
        if unknown:
            quoted = [f"“{slug[:60]}”" for slug in unknown[:5]]
            shown = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
            self.problems.append(
                f"We could not find a published programme called {shown}, so it is not shown."
                if len(unknown) == 1
                else f"We could not find published programmes called {shown}, so they are not shown."
            )
        self.programmes: list[Programme] = [found[slug] for slug in requested if slug in found]
        if len(self.programmes) > MAX_COMPARED:
            left_out = ", ".join(p.name for p in self.programmes[MAX_COMPARED:])
            self.problems.append(
                f"You can compare up to {MAX_COMPARED} programmes at a time, so we left out {left_out}."
            )
            self.programmes = self.programmes[:MAX_COMPARED]
        if len(self.programmes) < MIN_COMPARED:
            self.problems.append(
                f"Choose at least {MIN_COMPARED} programmes to compare: tick “Add to comparison” next to each "
                "one on the programmes list, then select “Compare selected programmes”."
            )

    @property
    def has_clearinghouse_ratings(self) -> bool:
        """Whether any compared programme has another clearinghouse's rating (read from the prefetch)."""
        return any(programme.clearinghouse_ratings.all() for programme in self.programmes)

    @property
    def can_compare(self) -> bool:
        return len(self.programmes) >= MIN_COMPARED
