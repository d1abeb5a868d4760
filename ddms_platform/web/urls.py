"""Routes of the role home pages."""

from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("public/", views.public_home, name="public-home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("account/", views.account, name="account"),
    path("account/token/", views.account_token_create, name="account-token-create"),
    path("account/token/revoke/", views.account_token_revoke, name="account-token-revoke"),
]
