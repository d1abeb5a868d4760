"""Which file storage the environment chooses, and that a bad choice fails loudly."""

from __future__ import annotations

import os
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from ddms_platform.settings import default_storage_from_env

S3_VARS = [
    "DDMS_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_LOCATION",
]


def _storage(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in S3_VARS}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True):
        return default_storage_from_env()


def test_it_defaults_to_the_local_disk():
    assert _storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_name_alone_selects_private_s3_without_signed_urls():
    storage = _storage(AWS_STORAGE_BUCKET_NAME="ddms", AWS_LOCATION="/prod/")
    assert storage["BACKEND"] == "ddms_platform.core.s3.PrivateS3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "ddms" and options["location"] == "prod"
    assert options["default_acl"] == "private" and options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    # No keys in the environment: boto3's own credential chain, nothing invented.
    assert options["access_key"] is None and options["secret_key"] is None


def test_it_takes_endpoint_region_keys_and_addressing_from_the_environment():
    options = _storage(
        DDMS_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="ddms",
        AWS_S3_ENDPOINT_URL="http://seaweedfs.internal:8333",
        AWS_S3_REGION_NAME="eu-central-1",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_S3_ADDRESSING_STYLE="virtual",
    )["OPTIONS"]
    assert options["endpoint_url"] == "http://seaweedfs.internal:8333"
    assert (options["region_name"], options["addressing_style"]) == ("eu-central-1", "virtual")
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")


def test_local_wins_when_asked_for_even_with_a_bucket_set():
    storage = _storage(DDMS_STORAGE="local", AWS_STORAGE_BUCKET_NAME="ddms")
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DDMS_STORAGE": "s3"}, "needs AWS_STORAGE_BUCKET_NAME"),
        ({"DDMS_STORAGE": "ftp"}, "not one of local, s3"),
        ({"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ADDRESSING_STYLE": "dns"}, "not one of path"),
    ],
)
def test_a_bad_storage_setting_fails_at_start_up(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        _storage(**env)
