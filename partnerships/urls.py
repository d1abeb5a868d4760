"""Web routes of the partnerships app: partner portal, NSI overview, knowledge base."""

from django.urls import path

from .views import knowledge, nsi, obligations, portal, schemas

app_name = "partnerships"

urlpatterns = [
    path("portal/", portal.portal, name="portal"),
    path("agreements/<int:pk>/", portal.agreement_detail, name="agreement-detail"),
    path(
        "agreements/<int:pk>/progress/", obligations.agreement_progress, name="agreement-progress"
    ),
    path("requests/<int:pk>/", portal.request_detail, name="request-detail"),
    path("requests/<int:pk>/acknowledge/", portal.request_acknowledge, name="request-acknowledge"),
    path("requests/<int:pk>/decline/", portal.request_decline, name="request-decline"),
    path("requests/<int:pk>/comment/", portal.request_comment, name="request-comment"),
    path("requests/<int:pk>/upload/", portal.request_upload, name="request-upload"),
    path("requests/<int:pk>/review/<str:decision>/", portal.request_review, name="request-review"),
    path("requests/<int:pk>/send/", nsi.request_send, name="request-send"),
    path("requests/<int:pk>/withdraw/", nsi.request_withdraw, name="request-withdraw"),
    path("requests/<int:pk>/close/", nsi.request_close, name="request-close"),
    path(
        "requests/<int:pk>/template.<str:fmt>",
        schemas.request_template,
        name="request-template",
    ),
    path("submissions/<int:pk>/", portal.submission_detail, name="submission-detail"),
    path("submissions/<int:pk>/status/", portal.submission_status, name="submission-status"),
    path("nsi/", nsi.overview, name="nsi-overview"),
    path("nsi/agreements/new/", nsi.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/transition/", nsi.agreement_transition, name="agreement-transition"),
    path("nsi/requests/new/", nsi.request_create, name="request-create"),
    path("nsi/schemas/", schemas.library, name="schema-library"),
    path("nsi/schemas/build/", schemas.builder, name="schema-builder"),
    path("nsi/schemas/<int:pk>/share/", schemas.library_share, name="schema-share"),
    path("knowledge/", knowledge.knowledge_list, name="knowledge-list"),
    path("knowledge/<slug:slug>/", knowledge.knowledge_detail, name="knowledge-detail"),
]
