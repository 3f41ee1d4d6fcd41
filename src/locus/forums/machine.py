"""One way of writing a state machine: the moves a record may make from each status.

A machine is a table (status -> move -> next status) and the words to refuse a
move with. Services ask it for the next status (:meth:`Machine.after`) and it
raises :class:`InvalidTransition` for any move the record's status does not
allow, so every feature refuses an illegal move the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import models

from locus.common.errors import InvalidTransition

#: A target meaning "back to the status the record had before" (a refused closure).
PREVIOUS = "previous"


@dataclass(frozen=True)
class Machine:
    """The moves a record may make from each status, and how to say a refused one.

    A refused move reads "This <what> is <state>: you cannot <verb>" unless
    ``refusals`` words it in the record's own terms: keyed by ``(status, move)``
    or by status, each a template where ``{verb}`` is the move's verb.
    """

    what: str
    statuses: type[models.TextChoices]
    moves: Mapping[str, Mapping[str, str]]
    #: Each move as the end of "you cannot ... now": "screen it", "approve it".
    verbs: Mapping[str, str]
    #: A status as it reads in "This case is ...", where its label does not.
    states: Mapping[str, str] = field(default_factory=dict)
    refusals: Mapping[str | tuple[str, str], str] = field(default_factory=dict)

    def state_text(self, status: str) -> str:
        return self.states.get(status) or self.statuses(status).label.lower()

    def allows(self, current: str, move: str) -> bool:
        return move in self.moves.get(current, {})

    def is_final(self, status: str) -> bool:
        """No move leaves this status (closed, cancelled, done...)."""
        return not self.moves.get(status)

    def refusal(self, current: str, move: str) -> str:
        """Why ``move`` is refused from ``current``, in plain words."""
        verb = self.verbs[move]
        template = self.refusals.get((current, move)) or self.refusals.get(current)
        if template is not None:
            return template.format(verb=verb)
        return f"This {self.what} is {self.state_text(current)}: you cannot {verb}"

    def after(self, current: str, move: str) -> str:
        """The status after ``move``, or :class:`InvalidTransition` saying why not."""
        if move not in self.verbs:
            raise ValueError(f"unknown move {move!r} for a {self.what}")
        if not self.allows(current, move):
            raise InvalidTransition(self.refusal(current, move))
        return self.moves[current][move]
