"""The analysts' workspace: one module per concept; importing them registers their ModelAdmins."""

from . import collection, evidence, lookups, programme  # noqa: F401
