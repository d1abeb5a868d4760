"""The site's URLs plus the benchmark's reference: the cheapest view Django can serve."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from ddms_platform.urls import urlpatterns as site_urlpatterns


def trivial(request: HttpRequest) -> HttpResponse:
    """No template, no database: the cost of the server, the middleware and the routing."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *site_urlpatterns]
