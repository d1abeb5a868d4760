"""The public knowledge base: guidelines, best practices and case studies."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ..choices import ArticleKind
from ..models import KnowledgeArticle
from ..selectors import article_list


def _published(request: HttpRequest) -> QuerySet[KnowledgeArticle]:
    return article_list(request.user)


def knowledge_list(request: HttpRequest) -> HttpResponse:
    """Published articles, filtered by kind and a search term."""
    articles = _published(request)
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    if kind in ArticleKind.values:
        articles = articles.filter(kind=kind)
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return render(
        request,
        "partnerships/knowledge_list.html",
        {"articles": articles[:200], "kinds": ArticleKind.choices, "kind": kind, "q": q},
    )


def knowledge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One published article; its body was sanitised (nh3) when it was written."""
    article = get_object_or_404(_published(request), slug=slug)
    return render(request, "partnerships/knowledge_detail.html", {"article": article})
