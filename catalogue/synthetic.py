"""Synthetic catalogue data for scale tests: published programmes with studies, findings and collections.

Everything made here is marked: programmes carry `is_synthetic`, and every name starts "Synthetic: ",
so `delete_synthetic_catalogue` can remove exactly these rows and nothing an analyst entered. Rows are
bulk-created a batch at a time; derived data (search text, computed ratings) then goes through the
write path in `catalogue.services`, as after any bulk load.

Output depends only on the seed and the programme's number: programme 17 of seed 1 is the same
whatever the batch size or how many programmes came before it (each draws from its own generator).
The `reviews` app adds synthetic reviews on top (reviews.synthetic); the command lives there too.
"""

import datetime
import random
from decimal import Decimal

from django.db import models as db_models
from django.utils.text import slugify

from .costs import cost_band
from .evidence import FindingRecord, StudyRecord, assess_studies
from .models import (
    EVIDENCE_LEVEL_CODES,
    AgeGroup,
    Collection,
    Country,
    DeliveryModel,
    DesignType,
    Direction,
    EffectSizeType,
    Finding,
    FindingTiming,
    LevelOfNeed,
    Outcome,
    OutcomeDomain,
    PractitionerLevel,
    Programme,
    Publication,
    PublicationEvent,
    PublicationStatus,
    Reporter,
    Setting,
    Study,
    TheoryOfChangeStep,
)
from .services import refresh_search_documents

PREFIX = "Synthetic: "
BULK_BATCH = 1000  # rows per INSERT: large enough to amortise round trips, small enough for SQLite's limits

# Vocabulary for names and text, so that search has varied words to rank, not one repeated paragraph.
QUALITIES = [
    "Secure",
    "Bright",
    "Steady",
    "Strong",
    "Together",
    "Growing",
    "Early",
    "Healthy",
    "Confident",
    "Positive",
    "Caring",
    "Thriving",
]
SUBJECTS = [
    "Start",
    "Steps",
    "Families",
    "Parents",
    "Foundations",
    "Bonds",
    "Minds",
    "Homes",
    "Beginnings",
    "Roots",
    "Futures",
    "Connections",
]
APPROACHES = [
    "video feedback on parent-child play",
    "home visits by a trained nurse",
    "group sessions for parents of toddlers",
    "cognitive behavioural therapy for parents",
    "attachment-focused psychotherapy",
    "a classroom social and emotional learning curriculum",
    "coaching in consistent, calm discipline",
    "peer support for parents under stress",
    "structured reading and language activities",
    "motivational interviewing about alcohol and drug use",
]
AUDIENCES = [
    "first-time mothers on a low income",
    "parents of children with behaviour problems",
    "families where a parent has depression",
    "children in primary school",
    "foster carers and the children they look after",
    "teenagers at risk of exclusion",
    "families referred by children's social care",
    "all parents of infants in a local area",
]
OUTCOME_NAMES = {
    OutcomeDomain.MENTAL_HEALTH: ["Fewer emotional problems", "Improved attachment security", "Better self-regulation"],
    OutcomeDomain.MALTREATMENT: ["Fewer child protection referrals", "Less harsh parenting", "Fewer injuries"],
    OutcomeDomain.SCHOOL: ["Improved reading", "Better school readiness", "Higher attendance"],
    OutcomeDomain.CRIME: ["Fewer arrests", "Less aggressive behaviour", "Fewer conduct problems"],
    OutcomeDomain.SUBSTANCE: ["Less alcohol use", "Later first cigarette", "Less cannabis use"],
    OutcomeDomain.RISKY_SEX: ["Fewer teenage pregnancies", "More contraceptive use", "Later sexual debut"],
    OutcomeDomain.OBESITY: ["Healthier weight", "More physical activity", "Better diet"],
    OutcomeDomain.FAMILY: ["Improved parental sensitivity", "Less parental stress", "Fewer couple conflicts"],
}
AUTHORS = [
    "Smith",
    "Jones",
    "Patel",
    "Garcia",
    "Nguyen",
    "Okafor",
    "Kowalski",
    "Müller",
    "Rossi",
    "Tanaka",
    "Olsen",
    "Murphy",
]
JOURNALS = ["Child Development", "Journal of Child Psychology and Psychiatry", "Pediatrics", "Prevention Science"]

# (weight, study rating weights NL2/2/3/4, fewest and most studies, chance a finding is significant):
# programmes differ in how strong their evidence is, so the ratings spread from NE and NL2 to 4+ as in a
# real catalogue, with about five studies and twenty findings per programme on average.
EVIDENCE_TIERS = [
    (25, (70, 30, 0, 0), (2, 5), 0.3),
    (30, (20, 60, 20, 0), (3, 6), 0.45),
    (30, (5, 25, 60, 10), (4, 7), 0.6),
    (15, (0, 10, 45, 45), (5, 8), 0.75),
]
PUBLISHED_AGREES = 0.85  # the rest carry a published rating the studies do not support, as after new evidence
DESIGNS = [(DesignType.RCT, 50), (DesignType.CLUSTER_RCT, 10), (DesignType.QED, 20), (DesignType.PRE_POST, 15)]
DESIGNS += [(DesignType.OTHER, 5)]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _sample(rng, options, low, high):
    return rng.sample(options, k=min(len(options), rng.randint(low, high)))


def programme_rng(seed: int, number: int) -> random.Random:
    """Programme `number`'s own generator: the same draws whatever else the run makes."""
    return random.Random(f"{seed}:programme:{number}")  # noqa: S311 - test data, not secrets


def ensure_synthetic_outcomes() -> list[Outcome]:
    """The outcomes synthetic findings use: every real outcome plus three synthetic ones per domain."""
    wanted = [
        Outcome(name=PREFIX + name, slug=slugify(PREFIX + name), domain=domain)
        for domain, names in OUTCOME_NAMES.items()
        for name in names
    ]
    existing = set(Outcome.objects.filter(slug__in=[o.slug for o in wanted]).values_list("slug", flat=True))
    Outcome.objects.bulk_create([o for o in wanted if o.slug not in existing])
    return list(Outcome.objects.order_by("slug"))


def next_programme_number() -> int:
    """Numbers continue after the synthetic programmes already there, so a run can top a catalogue up."""
    return Programme.objects.filter(is_synthetic=True).count() + 1


def next_collection_number() -> int:
    return Collection.objects.filter(name__startswith=PREFIX).count() + 1


class CatalogueGenerator:
    """Builds synthetic programmes a batch at a time (see `add_programmes`)."""

    def __init__(self, *, seed: int):
        self.seed = seed
        self.outcomes = ensure_synthetic_outcomes()
        self.lookups = {
            "age_groups": list(AgeGroup.objects.order_by("slug")),
            "levels_of_need": list(LevelOfNeed.objects.order_by("slug")),
            "delivery_models": list(DeliveryModel.objects.order_by("slug")),
            "settings": list(Setting.objects.order_by("slug")),
            "countries": list(Country.objects.order_by("slug")),
        }

    def add_programmes(self, numbers) -> list[int]:
        """Create programmes `numbers` with their characteristics, studies and findings; returns their ids.

        Derived data is left to the caller (`catalogue.services`), which does it in batches too.
        """
        plans = [self._plan(number) for number in numbers]
        programmes = Programme.objects.bulk_create([plan["programme"] for plan in plans], batch_size=BULK_BATCH)
        for relation in self.lookups:
            field = Programme._meta.get_field(relation)
            through, target = field.remote_field.through, field.m2m_reverse_field_name()
            rows = [
                through(programme_id=programme.pk, **{f"{target}_id": option.pk})
                for programme, plan in zip(programmes, plans, strict=True)
                for option in plan[relation]
            ]
            through.objects.bulk_create(rows, batch_size=BULK_BATCH)
        steps, studies, events = [], [], []
        for programme, plan in zip(programmes, plans, strict=True):
            steps += [TheoryOfChangeStep(programme=programme, order=k, text=t) for k, t in enumerate(plan["steps"], 1)]
            events.append(plan["event"])
            events[-1].programme = programme
            for study in plan["studies"]:
                study["study"].programme = programme
                studies.append(study)
        TheoryOfChangeStep.objects.bulk_create(steps, batch_size=BULK_BATCH)
        PublicationEvent.objects.bulk_create(events, batch_size=BULK_BATCH)
        Study.objects.bulk_create([s["study"] for s in studies], batch_size=BULK_BATCH)
        countries = Study.countries.through
        countries.objects.bulk_create(
            [countries(study_id=s["study"].pk, country_id=c.pk) for s in studies for c in s["countries"]],
            batch_size=BULK_BATCH,
        )
        publications, findings = [], []
        for s in studies:
            s["publication"].study = s["study"]
            publications.append(s["publication"])
            for finding in s["findings"]:
                finding.study = s["study"]
                findings.append(finding)
        Publication.objects.bulk_create(publications, batch_size=BULK_BATCH)
        Finding.objects.bulk_create(findings, batch_size=BULK_BATCH)
        return [programme.pk for programme in programmes]

    # ------------------------------------------------------------------ one programme, in memory

    def _plan(self, number: int) -> dict:
        rng = programme_rng(self.seed, number)
        quality, subject = rng.choice(QUALITIES), rng.choice(SUBJECTS)
        approach, audience = rng.choice(APPROACHES), rng.choice(AUDIENCES)
        name = f"{PREFIX}{quality} {subject} {number:05d}"
        acronym = f"{quality[0]}{subject[0]}{number}"
        summary = f"{approach.capitalize()} for {audience}."
        description = "\n\n".join(
            [
                f"{quality} {subject} offers {approach} for {audience}. This is synthetic test data, "
                "made to measure how the site scales; it describes no real programme.",
                f"Practitioners meet families {rng.choice(['weekly', 'fortnightly', 'monthly'])} for "
                f"{rng.randint(6, 52)} weeks. {rng.choice(APPROACHES).capitalize()} and "
                f"{rng.choice(APPROACHES)} are combined where families need both.",
                f"The programme aims to help {rng.choice(AUDIENCES)} and was adapted for "
                f"{rng.choice(AUDIENCES)} after its first evaluation.",
            ]
        )
        unit_cost = Decimal(rng.randint(40, 4000)) if rng.random() < 0.8 else None
        level = rng.choices([0, 1, 2, 3, 4], weights=[5, 20, 35, 30, 10])[0]
        hours = Decimal(rng.choice(["0.75", "1.00", "1.50", "2.00"]))
        published_on = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randint(0, 3650))
        programme = Programme(
            name=name,
            slug=slugify(name),
            acronym=acronym,
            summary=summary,
            description=description,
            evidence_level=level,
            evidence_plus=level >= 2 and rng.random() < 0.3,
            evidence_overview=f"Synthetic evidence: studies of {approach} with {audience}.",
            estimated_unit_cost=unit_cost,
            cost_rating=cost_band(unit_cost) if unit_cost is not None else None,
            delivery_summary=f"{rng.randint(4, 40)} sessions of {hours} hours by one practitioner.",
            what_happens="\n".join(rng.sample(APPROACHES, 3)),
            sessions=rng.randint(4, 40),
            session_hours_min=hours,
            session_hours_max=hours,
            duration_weeks=rng.randint(6, 104),
            practitioners_per_session=rng.randint(1, 2),
            practitioner_level=rng.choice(list(PractitionerLevel)),
            intended_outcomes="\n".join(rng.sample(OUTCOME_NAMES[OutcomeDomain.FAMILY], 2)),
            uk_provision=rng.random() < 0.6,
            uk_evaluation=rng.random() < 0.3,
            status=PublicationStatus.PUBLISHED,
            published_on=published_on,
            last_reviewed_on=published_on + datetime.timedelta(days=rng.randint(0, 700)),
            assessed_in="Synthetic evidence review",
            is_synthetic=True,
        )
        plan = {
            "programme": programme,
            "age_groups": _sample(rng, self.lookups["age_groups"], 1, 3),
            "levels_of_need": _sample(rng, self.lookups["levels_of_need"], 1, 2),
            "delivery_models": _sample(rng, self.lookups["delivery_models"], 1, 2),
            "settings": _sample(rng, self.lookups["settings"], 1, 3),
            "countries": _sample(rng, self.lookups["countries"], 1, 4),
            "steps": [f"Synthetic step {k}: {rng.choice(APPROACHES)} leads to change." for k in (1, 2, 3)],
            "event": PublicationEvent(
                published_at=datetime.datetime.combine(published_on, datetime.time(12), tzinfo=datetime.UTC),
                change_note="Synthetic test data published.",
                cost_rating_after=str(programme.cost_rating or "NA"),
            ),
        }
        _, rating_weights, (fewest, most), significance = _weighted(rng, [(t, t[0]) for t in EVIDENCE_TIERS])
        plan["studies"] = [
            self._study(rng, k, rating_weights, significance, plan["countries"])
            for k in range(1, rng.randint(fewest, most) + 1)
        ]
        supported = assess_studies([_study_record(s["study"], s["findings"]) for s in plan["studies"]]).rating
        if rng.random() < PUBLISHED_AGREES:
            # The published rating is a person's judgement, not derived data: most agree with the studies.
            programme.evidence_level = next(
                k for k, code in EVIDENCE_LEVEL_CODES.items() if code == supported.rstrip("+")
            )
            programme.evidence_plus = supported.endswith("+")
        elif programme.evidence_rating != supported:
            # As the publishing workflow requires of a rating the studies do not reproduce (ADR 0004).
            programme.rating_difference_note = (
                f"Synthetic: published as {programme.evidence_rating} after an assessment whose newer studies "
                f"are not recorded here; the recorded studies support {supported}."
            )
        plan["event"].evidence_rating_after = programme.evidence_rating
        return plan

    def _study(self, rng, number, rating_weights, significance, countries) -> dict:
        year = rng.randint(1995, 2024)
        author = rng.choice(AUTHORS)
        sample_size = rng.randint(40, 900)
        study = Study(
            number=number,
            citation_label=f"{PREFIX}{author} et al ({year})",
            year=year,
            design=_weighted(rng, DESIGNS),
            rating=rng.choices([1, 2, 3, 4], weights=rating_weights)[0],
            # Mostly unknown, as assessments rarely say; "no" keeps a study's rating from counting.
            rigorously_conducted=rng.choices([None, True, False], weights=[70, 20, 10])[0],
            sample_size=sample_size,
            sample_description=f"{sample_size} {rng.choice(AUDIENCES)}",
            timing="Post-test; follow-up",
            longest_follow_up_months=rng.choice([0, 6, 12, 24]),
            measures_independent=rng.random() < 0.5,
            independent_of_developer=rng.random() < 0.4,
            design_narrative="Synthetic: families were randomly assigned to the programme or usual services.",
            sample_narrative=f"Synthetic: {sample_size} families recruited through health visitors.",
            measures_text="Synthetic: parent report and direct observation.",
            findings_text="Synthetic: improvements on several outcomes.",
        )
        publication = Publication(
            authors=f"{author}, A., & {rng.choice(AUTHORS)}, B.",
            year=year,
            title=f"{PREFIX}a trial of {rng.choice(APPROACHES)}",
            journal=rng.choice(JOURNALS),
            order=1,
        )
        findings = [self._finding(rng, order, significance) for order in range(1, rng.randint(2, 6) + 1)]
        return {"study": study, "publication": publication, "findings": findings, "countries": countries[:2]}

    def _finding(self, rng, order, significance) -> Finding:
        outcome = rng.choice(self.outcomes)
        follow_up = rng.random() < 0.3
        finding = Finding(
            outcome=outcome,
            measure=rng.choice(["Strange Situation", "CBCL", "Parenting Stress Index", "Reading test"]),
            reporter=rng.choice(list(Reporter)),
            timing=FindingTiming.FOLLOW_UP if follow_up else FindingTiming.POST_TEST,
            months_after_end=rng.choice([6, 12, 24]) if follow_up else None,
            statement=f"Synthetic: a change in {outcome.name.removeprefix(PREFIX).lower()}.",
            significant=rng.random() < significance,
            direction=rng.choices(list(Direction), weights=[80, 17, 3])[0],
            is_headline=order <= 3,
            order=order,
        )
        if rng.random() < 0.5:  # raw group data: the effect size is computed, as Finding.save() would
            n = rng.randint(20, 300)
            finding.mean_t, finding.sd_t, finding.n_t = round(rng.uniform(10, 14), 2), round(rng.uniform(2, 4), 2), n
            finding.mean_c, finding.sd_c = round(rng.uniform(9, 12), 2), round(rng.uniform(2, 4), 2)
            finding.n_c = n + rng.randint(-10, 10)
        else:  # a published effect size with its confidence interval
            effect = Decimal(rng.randint(-10, 80)) / 100
            half_width = Decimal(rng.randint(5, 30)) / 100
            finding.effect_size_type = EffectSizeType.HEDGES_G
            finding.effect_size, finding.ci_low, finding.ci_high = effect, effect - half_width, effect + half_width
        finding.apply_computed_effect()
        return finding


def _study_record(study: Study, findings: list[Finding]) -> StudyRecord:
    # What evidence.assess would read from the database, built from the rows before they are saved.
    return StudyRecord(
        label=f"Study {study.number}",
        design=study.design,
        rating=study.rating,
        rigorously_conducted=study.rigorously_conducted,
        measures_independent=study.measures_independent,
        independent_of_developer=study.independent_of_developer,
        findings=tuple(FindingRecord.from_model(finding) for finding in findings),
    )


def add_collections(*, programme_ids: list[int], seed: int, first_number: int, size: int = 20) -> list[int]:
    """One synthetic collection per 100 programmes, each holding `size` of them; returns the new ids."""
    rng = random.Random(f"{seed}:collections:{first_number}")  # noqa: S311 - test data, not secrets
    collections = []
    for offset in range(0, len(programme_ids), 100):
        number = first_number + offset // 100
        name = f"{PREFIX}collection {number:04d}"
        chunk = programme_ids[offset : offset + 100]
        collection = Collection(name=name, slug=slugify(name), summary="Synthetic test data.", order=900)
        collections.append((collection, rng.sample(chunk, k=min(size, len(chunk)))))
    Collection.objects.bulk_create([c for c, _ in collections])
    through = Collection.programmes.through
    through.objects.bulk_create(
        [through(collection_id=c.pk, programme_id=pk) for c, members in collections for pk in members],
        batch_size=BULK_BATCH,
    )
    return [c.pk for c, _ in collections]


def purge(queryset) -> int:
    """Delete these rows and every row that depends on them, with plain DELETE statements.

    Not QuerySet.delete(): it loads every row to send signals (simple-history writes a "deleted"
    record for each), which takes minutes for 200,000 findings. Dependents are found from the models'
    relations; a PROTECT relation from a row that is not itself being deleted stops the purge.
    """
    model = queryset.model
    deleted = 0
    for relation in model._meta.related_objects:
        related = relation.related_model
        if relation.many_to_many:
            deleted += _purge_links(relation.through, model, queryset)
            continue
        dependents = related._base_manager.filter(**{f"{relation.field.name}__in": queryset})
        if relation.on_delete is db_models.PROTECT and dependents.exists():
            raise db_models.ProtectedError(f"{related.__name__} rows still point at {model.__name__} rows.", set())
        if relation.on_delete is not db_models.DO_NOTHING:
            deleted += purge(dependents)
    # Forward many-to-many tables of this model (e.g. Programme.age_groups) are not in related_objects.
    for field in model._meta.local_many_to_many:
        deleted += _purge_links(field.remote_field.through, model, queryset)
    return deleted + queryset._raw_delete(queryset.db)


def _purge_links(through, model, queryset) -> int:
    # Either end may be one of the rows (a review that summarises reviews links to its own table).
    ends = [f.name for f in through._meta.fields if f.is_relation and f.related_model is model]
    condition = db_models.Q()
    for end in ends:
        condition |= db_models.Q(**{f"{end}__in": queryset})
    return purge(through._base_manager.filter(condition))


def delete_synthetic_catalogue() -> dict[str, int]:
    """Remove synthetic collections, programmes (with their studies and findings) and unused outcomes."""
    counts = {
        "collections": Collection.objects.filter(name__startswith=PREFIX).count(),
        "programmes": Programme.objects.filter(is_synthetic=True).count(),
    }
    purge(Collection.objects.filter(name__startswith=PREFIX))
    # A study outlives its programme (SET_NULL) in real data; a synthetic programme's studies go with it.
    purge(Study.objects.filter(programme__is_synthetic=True))
    purge(Programme.objects.filter(is_synthetic=True))
    purge(Programme.history.model.objects.filter(is_synthetic=True))
    purge(Outcome.objects.filter(name__startswith=PREFIX, findings__isnull=True))
    # A full refresh drops the deleted programmes' spelling words and (on SQLite) full-text rows.
    refresh_search_documents()
    return counts
