"""Domain errors raised by services and mapped to responses in one place.

Services raise these; views catch :class:`ValidationFailed` to redisplay a form
with the messages, and the middleware turns :class:`NotPermitted` into a 404
so that a forbidden record looks exactly like a missing one.
"""

from __future__ import annotations


class LocusError(Exception):
    """Base of every error the domain raises on purpose."""


class ValidationFailed(LocusError):
    """Input that breaks a rule; ``errors`` maps a field name to its messages.

    Nothing is written when this is raised: services validate before they write,
    and run inside a transaction that rolls back if anything fails later.
    """

    def __init__(self, errors: dict[str, list[str]] | str, *, field: str = "__all__") -> None:
        if isinstance(errors, str):
            errors = {field: [errors]}
        self.errors = errors
        super().__init__(self.summary())

    def summary(self) -> str:
        parts: list[str] = []
        for name, messages in self.errors.items():
            label = "" if name == "__all__" else f"{name}: "
            parts.extend(f"{label}{m}" for m in messages)
        return "; ".join(parts)


class NotPermitted(LocusError):
    """The actor may not do this. Reads surface it as 404, never 403."""


class InvalidTransition(LocusError):
    """A workflow step that the record's current state does not allow."""
