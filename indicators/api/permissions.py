"""API permissions of the indicators app."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from ddms_platform.core.permissions import is_nsi_staff


class PublicReadNSIWrite(BasePermission):
    """Anyone may read (selectors hide what is embargoed); only NSI staff may write."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS or is_nsi_staff(request.user)
