"""Choosing a person on a form by name (and date of birth), among those the worker may name.

It works without JavaScript. Each person a form asks for is a *pick*, named by its field
(``person``, ``person_2``...): radios holding the chosen person's id, the name to search
and, where the worker's role sees dates of birth, a date of birth. The form's Find button
(``name="find"``) posts the form back without saving: each pick with a name typed lists its
matches to choose from (the name box emptied, so the next Enter saves), every other answer
kept. Saving posts the chosen id, which the form
accepts only if it is someone the worker may name (``selectors.nameable_among``): anyone
else is refused in the same words as an id that does not exist.

Only the people the worker may name are searched, so neither the matches nor "more match"
tell anything of anyone else. Every search is in the audit trail, with what was searched
and the ids it showed (as is every form page that shows a chosen person's name).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from locus.access.fields import PersonField, role_fields
from locus.access.models import Worker
from locus.access.naming import person_label
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.forms import DATE_FORMATS, date_field
from locus.common.ids import as_id
from locus.people import selectors
from locus.people.models import Person

FIND = "find"  # the Find button's name: the post is a search, not a save
NOT_NAMEABLE = "Find the person by name and choose them from the list"


def pick_fields(form: forms.Form, prefix: str, *, label: str, required: str = "") -> None:
    """Add pick ``prefix``'s fields to ``form`` (``required``: the message when no one is
    chosen; empty for a pick that may be left blank). Its choices come from :class:`Picker`."""
    form.fields[prefix] = forms.TypedChoiceField(
        label=label,
        coerce=int,
        empty_value=None,
        required=bool(required),
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": NOT_NAMEABLE},
    )
    form.fields[f"{prefix}_name"] = forms.CharField(
        label="Name", required=False, max_length=100, widget=forms.TextInput
    )
    form.fields[f"{prefix}_born"] = date_field(
        "Date of birth (optional)", "their date of birth", example="27/03/2012", required=False
    )


def choice_label(person: Person) -> str:
    """A person on a form's list of choices, with only the fields the viewer sees of them (as
    :func:`selectors.with_fields` attached: a person it never saw shows none): the name (and
    the name they are known by), their date of birth where it is seen. A search is not a way
    round the field table or a forum share. One whose name is not shown is "a person not
    shared with you" (``naming.person_label``), a child as an adult: a list may hold both, and
    the words must not tell which."""
    fields = selectors.visible_fields(person)
    if PersonField.NAME not in fields:
        return person_label(person, visible=False, child=False)
    known = f" (known as {person.known_as})" if person.known_as else ""
    seen = PersonField.DATE_OF_BIRTH in fields and person.date_of_birth
    born = f", born {person.date_of_birth:%d/%m/%Y}" if seen else ""
    return f"{person.full_name}{known}{born}"


@dataclass
class Pick:
    """One pick as the page shows it: the matches of this search, and whom it has chosen."""

    prefix: str
    searched: str = ""  # the name searched on this post ("" when it was not a search)
    born: dt.date | None = None
    born_problem: str = ""
    found: list[Person] = field(default_factory=list)
    more: bool = False
    chosen: Person | None = None

    @property
    def offered(self) -> list[Person]:
        """The people its radios offer: the one chosen first, then this search's matches."""
        first = [self.chosen] if self.chosen and self.chosen not in self.found else []
        return first + self.found


@dataclass
class PickView:
    """What the template draws for one pick: its bound fields and its state."""

    field: forms.BoundField
    name: forms.BoundField
    born: forms.BoundField | None
    pick: Pick


class Picker:
    """The picks of one form: who each has chosen, what each found, and the audit of both.

    ``data`` is what was posted (or a page's starting answers, like ``{"person_1": 42}``).
    """

    def __init__(self, viewer: Worker, data: Mapping[str, Any], prefixes: Iterable[str]) -> None:
        self.viewer = viewer
        self.prefixes = list(prefixes)
        # Find with a name typed searches; Find with none (Enter pressed in another box, the
        # browser's first button being a Find) saves, as the worker meant.
        self.searching = FIND in data and any(
            str(data.get(f"{p}_name") or "").strip() for p in self.prefixes
        )
        self.shows_born = PersonField.DATE_OF_BIRTH in role_fields(viewer)
        ids = {i for p in self.prefixes if (i := as_id(data.get(p))) is not None}
        self.chosen = selectors.nameable_among(viewer=viewer, ids=ids) if ids else {}
        self.picks = {p: self._pick(p, data) for p in self.prefixes}

    def _pick(self, prefix: str, data: Mapping[str, Any]) -> Pick:
        pick = Pick(prefix, chosen=self.chosen.get(as_id(data.get(prefix)) or 0))
        name = str(data.get(f"{prefix}_name") or "").strip()[:100]
        if not (self.searching and name):
            return pick
        typed = str(data.get(f"{prefix}_born") or "").strip()
        if typed and self.shows_born:
            try:
                pick.born = forms.DateField(input_formats=DATE_FORMATS).clean(typed)
            except ValidationError:
                pick.born_problem = "Enter the date of birth like 27/03/2012, or leave it empty"
        pick.searched = name
        pick.found, pick.more = selectors.people_to_name(
            viewer=self.viewer, name=name, born=pick.born
        )
        return pick

    def label(self, person: Person) -> str:
        born = person.date_of_birth if self.shows_born else None
        when = f", born {born:%-d %B %Y}" if born else ""
        return f"{person.full_name}{when} (Locus number {person.pk})"

    def bind(self, form: forms.Form) -> dict[str, PickView]:
        """Offer each pick's people on its radios, and hang the views the template draws on
        ``form.picks`` (by prefix), and the form's other fields on ``form.unpicked``."""
        views = {}
        own: set[str] = set()
        for prefix, pick in self.picks.items():
            radios = form.fields[prefix]
            assert isinstance(radios, forms.ChoiceField)
            radios.choices = [(p.pk, self.label(p)) for p in pick.offered]
            if not self.shows_born:
                form.fields.pop(f"{prefix}_born", None)
            born = form[f"{prefix}_born"] if f"{prefix}_born" in form.fields else None
            views[prefix] = PickView(form[prefix], form[f"{prefix}_name"], born, pick)
            own |= {prefix, f"{prefix}_name", f"{prefix}_born"}
        form.picks = views  # type: ignore[attr-defined]
        form.unpicked = [form[n] for n in form.fields if n not in own]  # type: ignore[attr-defined]
        return views

    def person(self, person_id: int | None) -> Person | None:
        """The person a valid pick chose (its radios offered no one else)."""
        return self.chosen.get(person_id) if person_id else None

    def audit(self, page: str) -> None:
        """Log the searches and the people the form showed; nothing when it showed no one."""
        shown = sorted({p.pk for pick in self.picks.values() for p in pick.offered})
        searched = [
            {"name": pick.searched, **({"born": pick.born.isoformat()} if pick.born else {})}
            for pick in self.picks.values()
            if pick.searched
        ]
        if not (shown or searched):
            return
        record_access(
            actor=self.viewer,
            record_type="people.person",
            action=AccessAction.SEARCH if searched else AccessAction.VIEW,
            detail={"page": page, "searched": searched, "people_shown": shown},
        )
