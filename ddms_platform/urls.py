"""URL routing: web pages, admin, API v1, OpenAPI schema and docs, health."""

from csp.decorators import csp_replace
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from ddms_platform.core.health import healthz
from ddms_platform.core.token_api import TokenView

# ReDoc sets inline style attributes (markdown, styled-components) and runs its search in a
# blob: worker, so its page alone allows inline styles and blob workers; its scripts stay
# nonce-only. Its attribution logo points at a CDN: img-src blocks it, nothing is fetched.
redoc = csp_replace(
    {"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}
)(SpectacularRedocView.as_view(url_name="api-schema"))

urlpatterns = [
    path("", include("ddms_platform.web.urls")),
    path("", include("partnerships.urls")),
    path("", include("indicators.urls")),
    path("", include("indicators.network_urls")),
    path("sdmx/", include("indicators.sdmx.urls")),
    path("", include("indicators.sdmx.catalogue_urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/", include("partnerships.api.urls")),
    path("api/v1/", include("indicators.api.urls")),
    path("api/v1/", include("indicators.api.network")),
    path("api/v1/", include("ddms_platform.notify.api")),
    path("api/v1/", include("indicators.api.subscriptions")),
    path("subscriptions/", include("indicators.subscription_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", redoc, name="api-redoc"),
]

handler404 = "ddms_platform.core.api.not_found"

admin.site.site_header = "DDMS back-office"
admin.site.site_title = "DDMS"
