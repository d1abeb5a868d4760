import pytest


@pytest.mark.django_db
def test_it_answers_unauthenticated_api_calls_in_the_error_shape(client):
    response = client.get("/api/v1/")
    assert response.status_code in (401, 403)
    assert set(response.json()["error"]) >= {"status", "code", "message"}


@pytest.mark.django_db
def test_it_serves_the_openapi_schema_and_docs(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
