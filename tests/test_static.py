"""Production static files: collectstatic succeeds and every file gets a hashed, cacheable name."""

import re

import pytest
from django.core.management import call_command


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_collectstatic_rewrites_module_import_to_hashed_bundle(production_static):
    app_js = next((production_static / "js").glob("app.*.js"))
    imported = re.search(r"from ['\"]([^'\"]+)['\"]", app_js.read_text()).group(1)
    assert re.search(r"govuk-frontend\.min\.[0-9a-f]{12}\.js$", imported)
    assert (production_static / "js" / imported).resolve().exists()
