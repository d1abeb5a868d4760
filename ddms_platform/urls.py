"""URL routing: web pages, admin, API v1, OpenAPI schema and docs, health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from ddms_platform.core.health import healthz
from ddms_platform.core.tokens import TokenView

urlpatterns = [
    path("", include("ddms_platform.web.urls")),
    path("", include("partnerships.urls")),
    path("", include("indicators.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/", include("partnerships.api.urls")),
    path("api/v1/", include("indicators.api.urls")),
    path("api/v1/", include("ddms_platform.notify.api")),
    path("api/v1/", include("indicators.api.subscriptions")),
    path("subscriptions/", include("indicators.subscription_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "ddms_platform.core.api.not_found"

admin.site.site_header = "DDMS back-office"
admin.site.site_title = "DDMS"
