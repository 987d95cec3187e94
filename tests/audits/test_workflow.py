"""The audit state machine as plain data: every (state, action, actor) combination.

The expectations are written out by hand from the issue ("commanders fill in, advisers review and
validate, administrators reopen") rather than derived from `workflow.TRANSITIONS`, so that a
change to the table shows up here.
"""

from __future__ import annotations

import itertools

import pytest

from audit.audits.models import AuditState as S
from audit.audits.workflow import (
    ALREADY_DONE,
    EDITABLE,
    Action,
    Actor,
    allowed_actions,
    next_state,
)
from audit.refusals import Refused

C, A, ADMIN = Actor.COMMANDER, Actor.ADVISER, Actor.ADMIN

#: (state, action, actor) → the next state; every other combination is refused.
ALLOWED = {
    (S.NOT_STARTED, Action.START, C): S.IN_PROGRESS,
    (S.NOT_STARTED, Action.SUBMIT, C): S.SUBMITTED,
    (S.IN_PROGRESS, Action.SUBMIT, C): S.SUBMITTED,
    (S.RETURNED, Action.SUBMIT, C): S.SUBMITTED,
    (S.SUBMITTED, Action.RETURN, A): S.RETURNED,
    (S.SUBMITTED, Action.VALIDATE, A): S.VALIDATED,
    (S.VALIDATED, Action.REOPEN, ADMIN): S.RETURNED,
}

#: The states each action may start from (whoever asks).
SOURCES = {
    Action.START: {S.NOT_STARTED},
    Action.SUBMIT: {S.NOT_STARTED, S.IN_PROGRESS, S.RETURNED},
    Action.RETURN: {S.SUBMITTED},
    Action.VALIDATE: {S.SUBMITTED},
    Action.REOPEN: {S.VALIDATED},
}

COMBINATIONS = list(itertools.product(S, Action, Actor))


def _id(combination: tuple[S, Action, Actor]) -> str:
    state, action, actor = combination
    return f"{state.value}-{action.value}-{actor.value}"


def test_every_state_action_and_actor_is_covered():
    assert len(COMBINATIONS) == 5 * 5 * 3
    assert set(SOURCES) == set(Action)
    assert {key[:2] for key in ALLOWED} <= {(s, a) for a, states in SOURCES.items() for s in states}


@pytest.mark.parametrize("combination", [c for c in COMBINATIONS if c in ALLOWED], ids=_id)
def test_allowed_moves_give_the_next_state(combination):
    state, action, actor = combination
    assert next_state(state, action, {actor}) is ALLOWED[combination]
    # Holding another capacity as well changes nothing.
    assert next_state(state, action, {actor, *Actor}) is ALLOWED[combination]
    assert next_state(state, action, [actor]) is ALLOWED[combination]


@pytest.mark.parametrize("combination", [c for c in COMBINATIONS if c not in ALLOWED], ids=_id)
def test_refused_moves_say_why(combination):
    state, action, actor = combination
    with pytest.raises(Refused) as refused:
        next_state(state, action, {actor})
    expected = "wrong_state" if state not in SOURCES[action] else "not_allowed"
    if ALREADY_DONE.get(action, (None,))[0] is state and expected == "wrong_state":
        # The person who could have done it hears that it is done already.
        may = any(key[1] is action and key[2] is actor for key in ALLOWED)
        expected = ALREADY_DONE[action][1] if may else expected
    assert refused.value.key == expected
    assert str(refused.value) == expected


@pytest.mark.parametrize("action", list(ALREADY_DONE))
def test_a_move_already_made_is_told_so(action):
    done, key = ALREADY_DONE[action]
    actor = next(k[2] for k in ALLOWED if k[1] is action)
    with pytest.raises(Refused) as refused:
        next_state(done, action, {actor})
    assert refused.value.key == key
    # Someone who could never have made it hears about the state, not that it was done.
    others = set(Actor) - {k[2] for k in ALLOWED if k[1] is action}
    if others:
        with pytest.raises(Refused) as refused:
            next_state(done, action, others)
        assert refused.value.key == "wrong_state"


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_nobody_may_do_anything(state, action):
    with pytest.raises(Refused) as refused:
        next_state(state, action, set())
    assert refused.value.key == ("wrong_state" if state not in SOURCES[action] else "not_allowed")


def test_the_state_is_checked_before_the_person():
    # A commander asking to validate a draft hears about the state, not about their role.
    with pytest.raises(Refused) as refused:
        next_state(S.IN_PROGRESS, Action.VALIDATE, {C})
    assert refused.value.key == "wrong_state"


@pytest.mark.parametrize("action", ["approve", "", None], ids=repr)
def test_an_unknown_action_is_refused(action):
    with pytest.raises(Refused) as refused:
        next_state(S.SUBMITTED, action, set(Actor))
    assert refused.value.key == "unknown_action"


#: What each capacity may do in each state (the buttons shown); START is never a button.
BUTTONS = {
    (S.NOT_STARTED, C): [Action.SUBMIT],
    (S.IN_PROGRESS, C): [Action.SUBMIT],
    (S.RETURNED, C): [Action.SUBMIT],
    (S.SUBMITTED, A): [Action.RETURN, Action.VALIDATE],
    (S.VALIDATED, ADMIN): [Action.REOPEN],
}


@pytest.mark.parametrize(("state", "actor"), list(itertools.product(S, Actor)), ids=str)
def test_allowed_actions_for_one_capacity(state, actor):
    assert allowed_actions(state, {actor}) == BUTTONS.get((state, actor), [])


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
def test_allowed_actions_for_several_capacities_and_for_none(state):
    assert allowed_actions(state, set()) == []
    combined = [a for actor in Actor for a in BUTTONS.get((state, actor), [])]
    assert sorted(allowed_actions(state, set(Actor))) == sorted(combined)
    assert Action.START not in allowed_actions(state, set(Actor))


def test_allowed_actions_agree_with_next_state():
    for state, actors in itertools.product(S, [{C}, {A}, {ADMIN}, set(Actor)]):
        for action in allowed_actions(state, actors):
            next_state(state, action, actors)  # does not raise


def test_only_unsubmitted_and_returned_audits_are_editable():
    assert frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.RETURNED}) == EDITABLE
    assert S.SUBMITTED not in EDITABLE
    assert S.VALIDATED not in EDITABLE
