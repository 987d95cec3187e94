"""The audit state machine, as plain data: which action moves an audit from which state, and who
may take it. Services call :func:`next_state`; nothing else changes an audit's state."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass

from audit.audits.models import AuditState as S
from audit.refusals import Refused


class Action(enum.StrEnum):
    """Something a person does to an audit."""

    START = "start"  # the first saved answer
    SUBMIT = "submit"  # the commander signs off
    RETURN = "return"  # the adviser sends it back with open queries
    VALIDATE = "validate"  # the adviser accepts it; it locks
    REOPEN = "reopen"  # an administrator unlocks a validated audit, with a reason


class Actor(enum.StrEnum):
    """The capacity in which someone acts on an audit."""

    COMMANDER = "commander"
    ADVISER = "adviser"
    ADMIN = "admin"


@dataclass(frozen=True)
class Transition:
    """One allowed move."""

    action: Action
    sources: frozenset[S]
    target: S
    actors: frozenset[Actor]


TRANSITIONS = (
    Transition(
        Action.START, frozenset({S.NOT_STARTED}), S.IN_PROGRESS, frozenset({Actor.COMMANDER})
    ),
    Transition(
        Action.SUBMIT,
        frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.RETURNED}),
        S.SUBMITTED,
        frozenset({Actor.COMMANDER}),
    ),
    Transition(Action.RETURN, frozenset({S.SUBMITTED}), S.RETURNED, frozenset({Actor.ADVISER})),
    Transition(Action.VALIDATE, frozenset({S.SUBMITTED}), S.VALIDATED, frozenset({Actor.ADVISER})),
    Transition(Action.REOPEN, frozenset({S.VALIDATED}), S.RETURNED, frozenset({Actor.ADMIN})),
)

#: States in which the unit may still change answers.
EDITABLE = frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.RETURNED})


#: An action repeated on an audit it has already moved (a double click, two tabs, a retried
#: request) is told so, and does nothing.
ALREADY_DONE = {
    Action.SUBMIT: (S.SUBMITTED, "already_submitted"),
    Action.RETURN: (S.RETURNED, "already_returned"),
    Action.VALIDATE: (S.VALIDATED, "already_validated"),
}


def next_state(state: S, action: Action, actors: Collection[Actor]) -> S:
    """The state after `action`, or Refused("already_…" | "wrong_state" | "not_allowed")."""
    for transition in TRANSITIONS:
        if transition.action is action:
            if state not in transition.sources:
                done, code = ALREADY_DONE.get(action, (None, ""))
                if state is done and transition.actors & set(actors):
                    raise Refused(code)
                raise Refused("wrong_state")
            if not transition.actors & set(actors):
                raise Refused("not_allowed")
            return transition.target
    raise Refused("unknown_action")


def allowed_actions(state: S, actors: Collection[Actor]) -> list[Action]:
    """Actions these actors may take now (to show the right buttons)."""
    return [
        t.action
        for t in TRANSITIONS
        if state in t.sources and t.actors & set(actors) and t.action is not Action.START
    ]
