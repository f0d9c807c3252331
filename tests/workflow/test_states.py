"""The transition tables speak for themselves: an illegal move is a DomainError with a code."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from workflow.errors import Conflict, DomainError
from workflow.states import (
    PUBLICATION_TRANSITIONS,
    EditionState,
    IllegalTransition,
    PublicationStatus,
    check_transition,
    transition,
)


def test_illegal_transition_is_a_conflict_with_a_stable_code():
    with pytest.raises(IllegalTransition) as caught:
        check_transition(EditionState.EDITING, EditionState.APPROVED)
    assert isinstance(caught.value, Conflict) and isinstance(caught.value, DomainError)
    assert caught.value.status == 409 and caught.value.code == "illegal_transition"
    assert caught.value.detail == {"state": "editing"}


def test_a_service_names_its_refusal_and_narrows_the_table():
    edition = SimpleNamespace(state="approved")  # approved → editing is in the table
    with pytest.raises(IllegalTransition) as caught:
        transition(edition, EditionState.EDITING, only_from={EditionState.SUBMITTED},
                   code="not_submitted", message="Only a submitted edition; this one is {current}.")
    assert caught.value.code == "not_submitted"
    assert caught.value.message == "Only a submitted edition; this one is approved."
    assert edition.state == "approved"
    transition(edition, EditionState.EDITING)
    assert edition.state == "editing"


def test_publication_status_has_its_table():
    assert set(PUBLICATION_TRANSITIONS) == set(PublicationStatus)
    row = SimpleNamespace(status="scheduled")
    transition(row, PublicationStatus.RELEASING, "status")
    transition(row, PublicationStatus.USABLE, "status")
    transition(row, PublicationStatus.SUPERSEDED, "status")
    with pytest.raises(IllegalTransition):  # a replaced version never comes back
        transition(row, PublicationStatus.USABLE, "status")
    with pytest.raises(IllegalTransition):
        check_transition(PublicationStatus.CANCELED, PublicationStatus.USABLE)
