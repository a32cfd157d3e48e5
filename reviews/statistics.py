"""Meta-analysis: the names other code imports from here live in `stats.pooling`."""

from stats.pooling import *  # noqa: F403
from stats.pooling import __all__  # noqa: F401
