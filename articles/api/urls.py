"""The API's URLs: each module serves the URLs of its resource (``/api/<resource>/…`` or
``/api/projects/{id}/<resource>/…``) and lists them itself."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from articles.api import articles, exports, imports, labels, projects, spans, tagger

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *projects.urlpatterns,
    *labels.urlpatterns,
    *articles.urlpatterns,
    *spans.urlpatterns,
    *imports.urlpatterns,
    *exports.urlpatterns,
    *tagger.urlpatterns,
]
