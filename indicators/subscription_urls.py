"""Web routes of subscriptions (included at /subscriptions/)."""

from django.urls import path

from . import subscription_views as views

urlpatterns = [
    path("", views.manage, name="subscription-manage"),
    path("confirm/<str:token>/", views.confirm, name="subscription-confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="subscription-unsubscribe"),
]
