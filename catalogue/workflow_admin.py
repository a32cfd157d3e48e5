"""Compatibility only: catalogue/resources.py imports these from here. They now live in
catalogue/workflow.py; delete this module once resources.py imports them from there."""

from .workflow import PUBLISHER_ONLY_EVIDENCE, evidence_is_locked

__all__ = ["PUBLISHER_ONLY_EVIDENCE", "evidence_is_locked"]
