"""Web routes of the network: coordinator, sharing, adoption, comparison, replication kit."""

from django.urls import path

from . import network_views as views

app_name = "network"

urlpatterns = [
    path("network/", views.network_home, name="home"),
    path("network/share/", views.share_page, name="share"),
    path("network/share/<str:kind>/<int:pk>/", views.share_toggle, name="share-toggle"),
    path("network/indicators/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("network/articles/new/", views.article_create, name="article-create"),
    path("network/pilots/<int:pk>/kit.zip", views.kit_download, name="kit-download"),
    path("network/kit/import/", views.kit_import, name="kit-import"),
    path("network/kit/imports/<int:pk>/", views.kit_import_detail, name="kit-import-detail"),
    path("network/kit/imports/<int:pk>/apply/", views.kit_import_apply, name="kit-import-apply"),
    path("compare/", views.compare_list, name="compare-list"),
    path("compare/<slug:code>/", views.compare_detail, name="compare-detail"),
]
