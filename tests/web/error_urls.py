"""The site's URLs plus two views that fail on purpose (tests of the error pages only)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from ddms_platform.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test/forbidden/", forbidden),
    path("test/boom/", boom),
    *site_urlpatterns,
]
