"""GOV.UK styling for Django forms, and domain errors mapped onto fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms.utils import ErrorDict

from locus.common.errors import ValidationFailed
from locus.common.ids import as_id
from locus.common.models import Confidence, Source
from locus.common.queries import begins_words, words_of

if TYPE_CHECKING:  # only named in annotations: access imports the form kit
    from locus.access.models import Worker

_WIDGET_CLASSES: dict[type, str] = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


def _style(name: str, field: forms.Field) -> None:
    """A field's GOV.UK class (unless it has one) and, with a hint, the hint's id."""
    field.widget.attrs.setdefault("class", _WIDGET_CLASSES.get(type(field.widget), "govuk-input"))
    if field.help_text:
        field.widget.attrs["aria-describedby"] = f"id_{name}-hint"


class GovukForm(forms.Form):
    """A form whose widgets carry GOV.UK classes, error styles and hints' ids.

    A post that only narrows a long list (its Find button, :class:`ListSearch`) is drawn
    again with every answer as posted, neither judged (no errors) nor valid (never saved)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finding = False
        for name, field in self.fields.items():
            _style(name, field)

    def narrow(self, search: ListSearch) -> None:
        """Draw field ``search.name`` with its search box and what it shows of the list;
        a post of its Find button is a search, not a save."""
        self.fields[search.name].narrowed = search  # type: ignore[attr-defined]
        self.finding = self.finding or search.finding

    def is_valid(self) -> bool:
        return not self.finding and super().is_valid()

    @property
    def finds(self) -> bool:
        """Whether a list is drawn with its search box and Find button: the form then starts
        with a hidden default button (:data:`ENTER`), so that Enter saves rather than finds."""
        return any(
            search is not None and search.needed
            for search in (getattr(f, "narrowed", None) for f in self.fields.values())
        )

    def put_first(self, **fields: forms.Field) -> None:
        """Fields made with the form (their choices read for it), asked before the declared
        ones and styled as those are."""
        for name, field in fields.items():
            _style(name, field)
        self.fields = {**fields, **self.fields}

    def full_clean(self) -> None:
        if self.finding:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()
        self._mark_errors()

    def add_domain_errors(self, error: ValidationFailed) -> None:
        """Show a service's refusal on the fields it names (others at the top)."""
        for name, messages in error.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        self._mark_errors()

    def _mark_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                base = attrs.get("class", "")
                if base and "--error" not in base:
                    attrs["class"] = f"{base} {base.split()[0]}--error"


# Dates typed the UK way first; the ISO form is what a browser's date picker sends.
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


def date_field(
    label: str,
    what: str,
    *,
    example: str = "27/03/2026",
    hint: str = "",
    formats: list[str] = DATE_FORMATS,
    **kwargs: Any,
) -> forms.DateField:
    """A date typed as dd/mm/yyyy, whose messages name ``what`` is asked for."""
    return forms.DateField(
        label=label,
        input_formats=formats,
        help_text=f"{hint}For example, {example}",
        error_messages={
            "invalid": f"Enter {what} as a date, like {example}",
            "required": f"Enter {what}",
        },
        widget=forms.DateInput(format="%d/%m/%Y"),
        **kwargs,
    )


def choose_one(
    label: str, choices: Any, *, required: str, placeholder: str = "", radios: bool = False
) -> forms.ChoiceField:
    """A choice that must be made; with a placeholder, the select starts on it, empty.
    ``radios``: a few choices, all in sight as radio buttons, none chosen until one is."""
    return forms.ChoiceField(
        label=label,
        choices=[("", placeholder), *choices] if placeholder else choices,
        error_messages={"required": required},
        widget=forms.RadioSelect if radios else forms.Select,
    )


def source_choice(hint: str = "") -> forms.ChoiceField:
    """Where a piece of information came from (provenance), to be chosen; ``hint``: who will see
    it, where that is not plain."""
    field = choose_one(
        "Where this information came from",
        Source.choices,
        placeholder="Choose a source",
        required="Say where this information came from",
    )
    field.help_text = hint
    return field


def confidence_choice() -> forms.ChoiceField:
    """How sure the recorder is (provenance), to be chosen."""
    return choose_one("How sure are you?", Confidence.choices, required="Say how sure you are")


def text_area(label: str, *, rows: int = 3, **kwargs: Any) -> forms.CharField:
    """Free text, optional here: a service that needs it says so with the other problems."""
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def optional_text(
    label: str, *, max_length: int | None = None, hint: str = "", **kwargs: Any
) -> Any:
    """One line of text that may be left empty, at most ``max_length`` characters."""
    return forms.CharField(
        label=label, required=False, max_length=max_length, help_text=hint, **kwargs
    )


def optional_choice(
    label: str, message: str, *, field: type[forms.ChoiceField] = forms.ChoiceField, **kw: Any
) -> Any:
    """A choice that may be left blank; ``message`` when the one posted is not offered."""
    return field(label=label, required=False, error_messages={"invalid_choice": message}, **kw)


def ticks(label: str, message: str, **kw: Any) -> Any:
    """Tick boxes, none required; ``message`` when a ticked value is not one offered."""
    return optional_choice(
        label, message, field=forms.MultipleChoiceField, widget=forms.CheckboxSelectMultiple, **kw
    )


def worker_label(worker: Worker) -> str:
    """A worker as a choice names them: with their team, when they have one."""
    team = worker.team
    return f"{worker}, {team.name}" if team is not None else str(worker)


def worker_choices(workers: Iterable[Worker]) -> list[Any]:
    """Workers grouped by agency, each shown with their team (for <optgroup>).

    No job title: a select shows its chosen option on one line, and a title that repeats
    the team and agency ("Youth justice officer, Youth Justice Service") ran the chair's name
    past the box's edge on a desk's screen, cut off mid-word."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for w in workers:
        agency = w.team.agency.name if w.team else "No agency"
        grouped.setdefault(agency, []).append((str(w.pk), worker_label(w)))
    return list(grouped.items())


def answers(form: forms.Form) -> dict[str, Any]:
    """A filter form's answers: none (every filter off) until it is submitted valid."""
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


# --- Long pick lists, narrowed by a search ------------------------------------------------------
# A list that grows with the borough (a caseload's children, every young person linked to a
# place, every place) shows at most LIST_LIMIT choices, with a search box and a Find button
# above it. Find posts the whole form back as a search (``name="narrow"``, its value the
# field's name): the form is drawn again with every answer kept and the list narrowed to the
# choices whose words match. What was chosen stays offered (checked), so it is saved even when
# the search no longer finds it. The search only narrows what the form was given to offer:
# it never finds, nor counts, anything the viewer may not choose.
#
# A choice matches when each word searched begins one of its label's words, whatever the case
# (``common.queries.begins_words``; ``word_begins`` in the database).

NARROW = "narrow"  # the Find button's name: the post is a search, not a save
# The value of the form's hidden first button (``common/form_page.html``), which Enter pressed
# in a box presses (a form's default button is its first): a search of the list whose words
# were changed since it was drawn, else a save. Without it, Enter pressed the first Find.
ENTER = "*"
LIST_LIMIT = 20

_Item = TypeVar("_Item")


class ListSearch:
    """The search of one long list on one form: the words typed (``<name>_search``), the
    search the list shows (``<name>_searched``, carried in a hidden input so a refused save
    keeps it), the values posted as chosen, and, once narrowed, how many match and show.

    Enter pressed in a box (:data:`ENTER`) searches this list when its words were changed,
    as Find does, and is otherwise a save; so is Find with the words unchanged."""

    def __init__(
        self, data: Mapping[str, Any] | None, name: str, noun: str, *, limit: int = LIST_LIMIT
    ) -> None:
        data = data or {}
        self.name, self.noun, self.limit = name, noun, limit
        typed = str(data.get(f"{name}_search") or "").strip()[:100]
        carried = str(data.get(f"{name}_searched") or "").strip()[:100]
        self.finding = data.get(NARROW) in (name, ENTER) and typed != carried
        self.searched = typed if self.finding else carried
        getlist = getattr(data, "getlist", None)
        values = getlist(name) if getlist else [data.get(name)]
        self.chosen = {str(v) for v in values if v not in (None, "")}
        self.matched = self.shown = self.kept = 0
        self.cut = False

    @property
    def words(self) -> list[str]:
        return words_of(self.searched)[:4]

    def among(
        self,
        items: Sequence[_Item],
        label: Callable[[_Item], str],
        key: Callable[[_Item], str] = lambda item: str(getattr(item, "pk", "")),
    ) -> list[_Item]:
        """The ``items`` to offer: those whose ``label`` has a word beginning each word
        searched (:func:`begins_words`), the first :data:`LIST_LIMIT`, after any chosen that
        are not among those."""
        words = self.words
        found = [i for i in items if begins_words(label(i), words)]
        self.matched = len(found)
        shown = found[: self.limit]
        kept = {key(i) for i in shown}
        return self._showing(shown, [i for i in items if key(i) in self.chosen - kept])

    def in_query(self, records: QuerySet[_Record], match: Callable[[str], Q]) -> list[_Record]:
        """As :meth:`among`, in the database: ``records`` (what the viewer may choose, in
        order) narrowed by ``match`` for each word searched (built on
        ``common.queries.word_begins``). Counted only when cut."""
        found = records
        for word in self.words:
            found = found.filter(match(word))
        shown = list(found[: self.limit + 1])
        self.matched = len(shown) if len(shown) <= self.limit else found.count()
        shown = shown[: self.limit]
        rest = self.chosen - {str(r.pk) for r in shown}
        ids = [i for v in rest if (i := as_id(v)) is not None]  # a crafted value finds none
        return self._showing(shown, list(records.filter(pk__in=ids)) if ids else [])

    def _showing(self, shown: list[_Item], kept: list[_Item]) -> list[_Item]:
        """``kept`` (chosen, though not among those matching) first, then ``shown``."""
        self.shown, self.kept, self.cut = len(shown), len(kept), len(shown) < self.matched
        return kept + shown

    @property
    def logged(self) -> dict[str, list[str]]:
        """What a page's read logs of the search: the words searched, when there were some."""
        return {"searched": [self.searched]} if self.searched else {}

    @property
    def needed(self) -> bool:
        """Whether the list is long enough to need its search box (or was searched)."""
        return bool(self.searched) or self.cut


# For forms whose choices map back to records: a posted choice (an id) finds its record.
_Record = TypeVar("_Record", bound=Model)


def by_pk(records: Iterable[_Record]) -> dict[str, _Record]:
    """The records keyed by their id as a choice posts it (a string)."""
    return {str(r.pk): r for r in records}


def set_choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    """The choices of field ``name``, known only once the form is made."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ChoosingForm(GovukForm):
    """A form whose choice fields offer records: ``offer`` sets a field's choices, and
    ``chosen`` / ``all_chosen`` turn the ids posted back into the records offered, so the
    view hands a service only a record the worker was offered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lookup: dict[str, dict[str, Any]] = {}

    def offer(
        self,
        name: str,
        records: Iterable[_Record],
        label: Callable[[_Record], str] = str,
        *,
        first: str | None = None,
    ) -> None:
        """Offer ``records`` on field ``name``, each shown by ``label``, after an empty
        choice ``first`` (when there is one)."""
        records = list(records)
        self.lookup[name] = by_pk(records)
        self._show(name, [(str(r.pk), label(r)) for r in records], first)

    def offer_workers(
        self, name: str, workers: Iterable[Worker], *, first: str | None = None
    ) -> None:
        """Offer ``workers`` on field ``name`` as :func:`worker_choices` groups them."""
        workers = list(workers)
        self.lookup[name] = by_pk(workers)
        self._show(name, worker_choices(workers), first)

    def _show(self, name: str, choices: list[Any], first: str | None) -> None:
        set_choices(self, name, choices if first is None else [("", first), *choices])

    def chosen(self, name: str) -> Any:
        """The record chosen in field ``name`` (None when nothing was chosen)."""
        return self.lookup.get(name, {}).get(str(self.cleaned_data.get(name) or ""))

    def all_chosen(self, name: str) -> list[Any]:
        """The records ticked in field ``name``."""
        return [self.lookup[name][str(v)] for v in self.cleaned_data.get(name, [])]


# For a few lines a worker must write (a reason, a policy's text): unlike ``text_area``, the
# form itself asks for them.
def required_text(
    label: str, required: str, *, max_length: int, rows: int = 3, hint: str = ""
) -> forms.CharField:
    """Text that must be written, at most ``max_length`` characters; ``required`` says so."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required},
    )
