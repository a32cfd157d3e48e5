"""The statistics moved into the pure `stats` package; the names other code relies on still import."""

import subprocess
import sys

import catalogue.statistics
import reviews.statistics
import stats.effects
import stats.pooling


def test_catalogue_statistics_reexports_the_effect_sizes():
    for name in ["hedges_g", "cox_index", "risk_ratio", "odds_ratio", "improvement_index"]:
        assert getattr(catalogue.statistics, name) is getattr(stats.effects, name)


def test_reviews_statistics_reexports_the_pooling_functions():
    for name in ["pool_generic", "pool_binary", "pool_continuous", "Pooled"]:
        assert getattr(reviews.statistics, name) is getattr(stats.pooling, name)


def test_stats_package_imports_no_django():
    code = "import sys, stats.effects, stats.pooling; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "False"
