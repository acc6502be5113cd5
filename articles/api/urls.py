"""The API's URLs: each module serves the URLs of its resource (``/api/<resource>/…`` or
``/api/projects/{id}/<resource>/…``) and lists them itself."""

from django.urls import path
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
    spans,
    stats,
)


class SwaggerPage(SpectacularSwaggerView):
    """The browsable docs: an HTML page, so no OPTIONS (it would need a template)."""

    http_method_names = ["get", "head"]


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerPage.as_view(url_name="api-schema"), name="api-docs"),
    *projects.urlpatterns,
    *labels.urlpatterns,
    *articles.urlpatterns,
    *spans.urlpatterns,
    *imports.urlpatterns,
    *exports.urlpatterns,
    *assignments.urlpatterns,
    *agreement.urlpatterns,
    *adjudication.urlpatterns,
    *history.urlpatterns,
    *stats.urlpatterns,
]
