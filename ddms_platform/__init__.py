"""DDMS platform: the Django project and the layer both apps stand on."""

from .celery import app as celery_app

__all__ = ("celery_app",)
