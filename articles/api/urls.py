"""The API's URLs: each module serves the URLs of its resource (``/api/<resource>/…`` or
``/api/projects/{id}/<resource>/…``) and lists them itself."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from articles.api import (
    adjudication,
    agreement,
    articles,
    assignments,
    exports,
    history,
    imports,
    labels,
    projects,
    search,
    similar,
    spans,
    stats,
    tagger,
)


class SwaggerPage(SpectacularSwaggerView):
    """The browsable docs: an HTML page, so no OPTIONS (it would need a template)."""

    http_method_names = ["get", "head"]


@csrf_exempt  # it changes nothing; a write to it is a 404 like a read, not a CSRF 403
def unknown_path(request: HttpRequest) -> JsonResponse:
    """Anything else under ``/api/`` (``/api/articles/abc/`` included: ids are integers) is a
    404 in the API's error shape, not Django's HTML page."""
    return JsonResponse({"detail": ["No such API path."]}, status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerPage.as_view(url_name="api-schema"), name="api-docs"),
    *projects.urlpatterns,
    *labels.urlpatterns,
    *articles.urlpatterns,
    *search.urlpatterns,
    *similar.urlpatterns,
    *spans.urlpatterns,
    *imports.urlpatterns,
    *exports.urlpatterns,
    *tagger.urlpatterns,
    *assignments.urlpatterns,
    *agreement.urlpatterns,
    *adjudication.urlpatterns,
    *history.urlpatterns,
    *stats.urlpatterns,
    # Last: only what no pattern above matched.
    re_path(r"", unknown_path, name="api-unknown"),
]
