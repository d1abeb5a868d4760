"""POST /api/v1/auth/token/: exchange a username and password for the user's API token."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle


class TokenView(ObtainAuthToken):
    """The user's token (created on first use). Failed attempts count towards the sign-in
    lockout, like the sign-in pages; a locked-out pair answers 429."""

    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "token"

    def get_serializer_context(self) -> dict[str, Any]:
        # django-axes marks the Django request it is given as locked out and its middleware
        # then answers 429; DRF's Request wrapper would swallow that mark.
        return {**super().get_serializer_context(), "request": self.request._request}

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        operation_id="auth_token_create",
    )
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().post(request, *args, **kwargs)
