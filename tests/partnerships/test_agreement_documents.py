"""Agreement documents: immutable versions, SHA-256, size limit and sniffed content type."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from ddms_platform.core.audit import audit_history
from partnerships.models import AgreementDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _upload(client, agreement, name, content, title="Signed MoU", content_type="application/pdf"):
    return client.post(
        f"/api/v1/agreements/{agreement.pk}/documents/",
        {"title": title, "file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "agreements"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_upload_stores_a_version_with_its_sha256_byte_for_byte(registry, api):
    client = api(registry.nsi_manager)
    response = _upload(client, registry.agreement, "mou.pdf", PDF)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["version"] == 1
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["size"] == len(PDF)
    assert body["content_type"] == "application/pdf"
    document = AgreementDocument.objects.get(pk=body["id"])
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
    entry = audit_history(registry.agreement).get()
    assert entry.action == "agreement.document_add"
    assert entry.after["sha256"] == body["sha256"]


def test_second_upload_is_a_new_version_and_keeps_the_first(registry, api):
    client = api(registry.nsi_manager)
    first = _upload(client, registry.agreement, "mou.pdf", PDF).json()
    second = _upload(client, registry.agreement, "mou.pdf", PDF + b"% amended\n").json()
    assert (first["version"], second["version"]) == (1, 2)
    listed = client.get(f"/api/v1/agreements/{registry.agreement.pk}/documents/").json()
    assert [d["version"] for d in listed] == [2, 1]
    assert AgreementDocument.objects.get(pk=first["id"]).sha256 == hashlib.sha256(PDF).hexdigest()


def test_docx_is_recognised_by_its_content(registry, api):
    response = _upload(
        api(registry.nsi_manager),
        registry.agreement,
        "contract.docx",
        _docx(),
        content_type="application/octet-stream",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"].endswith("wordprocessingml.document")


def test_partner_downloads_its_agreement_document_unchanged(registry, api):
    doc = _upload(api(registry.nsi_manager), registry.agreement, "mou.pdf", PDF).json()
    url = f"/api/v1/agreements/{registry.agreement.pk}/documents/{doc['id']}/download/"
    response = api(registry.partner_a_user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert api(registry.partner_b_user).get(url).status_code == 404


@override_settings(DDMS_MAX_DOCUMENT_BYTES=100)
def test_oversize_upload_is_413_and_stores_nothing(registry, api):
    response = _upload(api(registry.nsi_manager), registry.agreement, "big.pdf", PDF + b"0" * 200)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert "100 bytes" in response.json()["error"]["message"]
    assert not AgreementDocument.objects.exists()
    assert _stored_files() == []
    assert not audit_history(registry.agreement).exists()


@pytest.mark.parametrize(
    ("name", "content", "claimed"),
    [
        ("tool.exe", b"MZ\x90\x00\x03" + b"\x00" * 50, "application/pdf"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("page.html", b"<html></html>", "text/plain"),
        ("archive.docx", b"PK\x03\x04not really a zip", "application/pdf"),
    ],
)
def test_disallowed_type_is_415_whatever_the_client_claims(registry, api, name, content, claimed):
    response = _upload(
        api(registry.nsi_manager), registry.agreement, name, content, content_type=claimed
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert "application/pdf" in response.json()["error"]["allowed"]
    assert not AgreementDocument.objects.exists()
    assert _stored_files() == []


@override_settings(DDMS_DOCUMENT_CONTENT_TYPES=["application/pdf"])
def test_type_not_in_the_configured_list_is_refused(registry, api):
    response = _upload(api(registry.nsi_manager), registry.agreement, "note.txt", b"plain words")
    assert response.status_code == 415
    assert not AgreementDocument.objects.exists()


def test_partner_cannot_upload_to_its_own_agreement(registry, api):
    response = _upload(api(registry.partner_a_user), registry.agreement, "mou.pdf", PDF)
    assert response.status_code == 403
    assert not AgreementDocument.objects.exists()


def test_other_partner_gets_404_for_documents(registry, api):
    _upload(api(registry.nsi_manager), registry.agreement, "mou.pdf", PDF)
    client = api(registry.partner_b_user)
    assert client.get(f"/api/v1/agreements/{registry.agreement.pk}/documents/").status_code == 404
    assert _upload(client, registry.agreement, "x.pdf", PDF).status_code == 404
