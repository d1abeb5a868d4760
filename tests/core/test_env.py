import pytest
from django.core.exceptions import ImproperlyConfigured

from ddms_platform.env import env_bool, env_int, env_list


def test_it_reads_booleans(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_it_fails_loudly_on_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_it_checks_integer_minimum(monkeypatch):
    monkeypatch.setenv("X_INT", "3")
    assert env_int("X_INT", 1, minimum=1) == 3
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("X_INT", 1, minimum=1)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("X_INT", 1)


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("X_LIST", " a, b,,c ")
    assert env_list("X_LIST") == ["a", "b", "c"]
    monkeypatch.delenv("X_LIST")
    assert env_list("X_LIST", ["d"]) == ["d"]
