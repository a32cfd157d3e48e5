"""The JSON API, version 1, under /api/v1/ (namespace "api"): catalogue and reviews endpoints on one
router, the OpenAPI schema and its browsable docs. The old /api/ addresses redirect here.

Only this URLconf knows both apps: reviews build on the catalogue, never the reverse.
"""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers
from rest_framework.reverse import reverse

from catalogue.api import views as catalogue_api
from catalogue.api.gaps import EvidenceGapView
from reviews import api as reviews_api

app_name = "api"


class ApiRoot(routers.APIRootView):
    """Every endpoint of the API, and where its schema and documentation are."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["evidence-gaps"] = reverse("api:evidence-gaps", request=request)
        response.data["schema"] = reverse("api:schema", request=request)
        response.data["docs"] = reverse("api:docs", request=request)
        return response


@csrf_exempt  # read-only: nothing to protect, and an unknown method should read 405, not a CSRF 403
def not_found(request):
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return JsonResponse({"detail": "The API is read-only: use GET."}, status=405, headers={"Allow": "GET, HEAD"})
    return JsonResponse({"detail": "No API endpoint here: see /api/v1/ for the list."}, status=404)


router = routers.DefaultRouter()
router.APIRootView = ApiRoot
router.register("programmes", catalogue_api.ProgrammeViewSet, basename="programme")
router.register("programmes-in-full", catalogue_api.ProgrammeInFullViewSet, basename="programme-in-full")
router.register("studies", catalogue_api.StudyViewSet, basename="study")
router.register("findings", catalogue_api.FindingViewSet, basename="finding")
router.register("outcomes", catalogue_api.OutcomeViewSet, basename="outcome")
router.register("collections", catalogue_api.CollectionViewSet, basename="collection")
router.register("reviews", reviews_api.ReviewViewSet, basename="review")
router.register("changes", catalogue_api.ChangeViewSet, basename="change")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's static files, started by our own script: the CSP stays strict.
    path("docs/", TemplateView.as_view(template_name="api/docs.html"), name="docs"),
    path("evidence-gaps/", EvidenceGapView.as_view(), name="evidence-gaps"),
    *router.urls,
    # Anything else under /api/v1/ is a JSON 404, like an unknown identifier, never an HTML page.
    re_path(r"^[\s\S]*$", not_found),  # any path, a newline in it included
]
