"""Effect sizes for one study: the names other code imports from here live in `stats.effects`."""

from stats.effects import *  # noqa: F403
from stats.effects import __all__  # noqa: F401
