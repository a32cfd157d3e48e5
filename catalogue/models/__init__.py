"""The catalogue's models, one module per concept; every name is importable from here.

- `base`: who recorded a row (`Recorded`), the lookups analysts extend, and outcomes.
- `programme`: programmes; `programme_queryset`: the reads pages need (`ProgrammeQuerySet`).
- `theory`: a programme's theory of change, step by step.
- `collection`: curated sets of programmes.
- `studies`: studies, publications and findings, the evidence behind a rating.
- `workflow`: history, pending revisions and the publication log.
- `search`: the distinct words of the search text, for spelling correction.
- `classification`: what a source says about a programme's evidence, recorded as the source's words.
- `crosswalk`: other clearinghouses, their scales, and their grades of a programme, in their own words.

The scales and codes (evidence levels, cost bands, statuses…) live in `catalogue.choices` and are
re-exported here for code that imports them with the models.
"""

from ..choices import *  # noqa: F403
from .base import (
    NARRATIVE_LENGTH,
    NOTE_LENGTH,
    SHORT_NOTE_LENGTH,
    AgeGroup,
    BoundedTextField,
    Country,
    DeliveryModel,
    LevelOfNeed,
    Lookup,
    LookupManager,
    Outcome,
    Recorded,
    Setting,
    is_web_url,
    web_url_validator,
)
from .classification import SourceClassification
from .collection import Collection
from .crosswalk import Clearinghouse, ClearinghouseGrade, ClearinghouseRating
from .programme import Programme
from .programme_queryset import ProgrammeQuerySet
from .search import ProgrammeOutcome, SearchWord
from .studies import Finding, Publication, Study, doi_validator
from .theory import TheoryOfChangeStep
from .workflow import PendingRevision, PublicationEvent, PublicationEventQuerySet

__all__ = [
    "NARRATIVE_LENGTH",
    "NOTE_LENGTH",
    "SHORT_NOTE_LENGTH",
    "AgeGroup",
    "BoundedTextField",
    "Clearinghouse",
    "ClearinghouseGrade",
    "ClearinghouseRating",
    "Collection",
    "Country",
    "DeliveryModel",
    "Finding",
    "LevelOfNeed",
    "Lookup",
    "LookupManager",
    "Outcome",
    "PendingRevision",
    "Programme",
    "ProgrammeOutcome",
    "ProgrammeQuerySet",
    "Publication",
    "PublicationEvent",
    "PublicationEventQuerySet",
    "Recorded",
    "SearchWord",
    "Setting",
    "SourceClassification",
    "Study",
    "TheoryOfChangeStep",
    "doi_validator",
    "is_web_url",
    "web_url_validator",
]
