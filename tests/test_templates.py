"""The public templates link by URL name and share one breadcrumb partial, so a moved page moves every link."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import ProgrammeFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The admin's templates belong to the admin; everything else is public.
PUBLIC_TEMPLATES = sorted(p for p in TEMPLATES.rglob("*.html") if "admin" not in p.relative_to(TEMPLATES).parts)


@pytest.mark.parametrize("template", PUBLIC_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_links_to_site_pages_by_url_name(template):
    hard_coded = re.findall(r'(?:href|action)="(/[^"]*)"', template.read_text())

    assert hard_coded == []  # use {% url 'namespace:name' %} instead


@pytest.mark.parametrize(
    "template",
    [p for p in PUBLIC_TEMPLATES if p.name != "breadcrumbs.html"],
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_breadcrumbs_come_from_the_shared_partial(template):
    assert 'class="govuk-breadcrumbs' not in template.read_text()


def test_pages_with_a_parent_include_the_breadcrumb_partial():
    including = {
        str(p.relative_to(TEMPLATES)) for p in PUBLIC_TEMPLATES if "_includes/breadcrumbs.html" in p.read_text()
    }

    assert including == {
        "catalogue/collection_detail.html",
        "catalogue/data.html",
        "catalogue/programme_compare.html",
        "catalogue/programme_detail.html",
        "catalogue/programme_updates.html",
        "catalogue/shortlist.html",
        "catalogue/shortlist_pack.html",
        "pages/_guidance.html",
        "pages/about.html",
        "pages/accessibility.html",
        "pages/guidance_index.html",
        "reviews/review_detail.html",
    }


@pytest.mark.django_db
def test_breadcrumbs_render_home_then_the_parent_page(client):
    programme = ProgrammeFactory(slug="shown")

    body = client.get(programme.get_absolute_url()).content.decode()

    start = body.index('<nav class="govuk-breadcrumbs')
    assert re.sub(r">\s+<", "><", body[start : body.index("</nav>", start) + 6]) == (
        '<nav class="govuk-breadcrumbs app-no-print" aria-label="Breadcrumb"><ol class="govuk-breadcrumbs__list">'
        '<li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link" href="/">Home</a></li>'
        '<li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link" href="/programmes/">Programmes</a>'
        "</li></ol></nav>"
    )
