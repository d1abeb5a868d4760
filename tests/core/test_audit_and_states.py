import pytest

from ddms_platform.core.audit import audit_history, audit_record, snapshot
from ddms_platform.core.errors import IllegalTransition
from ddms_platform.core.statemachine import StateMachine

from ..factories import OrganisationFactory, UserFactory

MACHINE = StateMachine("thing", {"a": frozenset({"b"}), "b": frozenset({"a", "c"})})


def test_it_allows_legal_transitions():
    MACHINE.check("a", "b")
    assert MACHINE.allowed("b") == ["a", "c"]


def test_it_names_the_allowed_states_of_an_illegal_transition():
    with pytest.raises(IllegalTransition) as info:
        MACHINE.check("a", "c")
    assert info.value.extra["allowed"] == ["b"]
    assert "'a' to 'c'" in info.value.message


@pytest.mark.django_db
def test_it_records_actor_and_before_after():
    user = UserFactory()
    org = OrganisationFactory(name="Before")
    before = snapshot(org, ["name"])
    org.name = "After"
    org.save()
    audit_record(
        actor=user,
        action="organisation.update",
        obj=org,
        before=before,
        after=snapshot(org, ["name"]),
    )
    entry = audit_history(org).get()
    assert entry.actor == user
    assert entry.before == {"name": "Before"} and entry.after == {"name": "After"}
