"""Template filters showing codes as labels in the reader's language."""

from __future__ import annotations

from django import template

from ..sdmx.labels import Labeller

register = template.Library()


def _labeller(context: template.Context) -> Labeller:
    found = context.get("_labeller")
    if found is None:
        found = Labeller()
        context.dicts[0]["_labeller"] = found
    return found


@register.simple_tag(takes_context=True)
def unit_label(context: template.Context, unit: str) -> str:
    return _labeller(context).unit(unit)


@register.simple_tag(takes_context=True)
def topic_label(context: template.Context, topic: str) -> str:
    return _labeller(context).topic(topic)


@register.simple_tag(takes_context=True)
def code_label(context: template.Context, concept: str, code: str) -> str:
    return _labeller(context).code(concept, code)


@register.simple_tag(takes_context=True)
def concept_label(context: template.Context, concept: str) -> str:
    return _labeller(context).concept(concept)
