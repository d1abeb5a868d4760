"""`check --deploy` says when the static files are not collected (every page would be a 500)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command

from ddms_platform.core.checks import static_files_collected

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def _use_manifest_storage(settings, root: Path) -> None:
    settings.STATIC_ROOT = root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}


def test_it_warns_without_a_manifest(settings, tmp_path):
    _use_manifest_storage(settings, tmp_path)
    warnings = static_files_collected()
    assert [w.id for w in warnings] == ["ddms.W001"]
    assert "collectstatic" in warnings[0].hint


def test_it_is_quiet_once_collectstatic_ran(settings, tmp_path):
    _use_manifest_storage(settings, tmp_path)
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert static_files_collected() == []


def test_it_has_nothing_to_say_in_development(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    assert static_files_collected() == []
