"""Reviews take part in the editorial workflow (catalogue/workflow.py), without pending revisions.

A review reports facts (its question, trials, pooled results) and carries no rating of ours to
stage, so edits to a published review are live when saved. Each publisher decision is recorded
as a ReviewPublicationEvent. Registered when the app is ready (reviews/apps.py).
"""

from catalogue.workflow import Publishable, register

from .models import Review, ReviewPublicationEvent

register(Publishable(model=Review, event_model=ReviewPublicationEvent))
