"""References to children a page shows but the viewer cannot see.

A page that shows "a child you cannot see" still has to let the worker act on that child:
ask for emergency access, mark the link reviewed, propose a meeting about her. It does so by
a reference that means something only in this worker's session (``ref_for``), so the page
does not publish the hidden child's id; the page the link or form goes to reads it back
(``person_in``). A child the page names may keep her id.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

_REFS = "break_glass_refs"
_MAX_REFS = 500


def ref_for(request: HttpRequest, person_id: int) -> str:
    """A reference to a child the viewer cannot see, that means nothing outside this
    viewer's session: a page offering to act on the child does not publish her id."""
    token = salted_hmac(_REFS, f"{request.user.pk}:{person_id}").hexdigest()[:24]
    refs: dict[str, int] = request.session.get(_REFS, {})
    if refs.get(token) != person_id:
        if len(refs) >= _MAX_REFS:
            refs.clear()  # an old page's offer then answers "not found"; the page renews it
        refs[token] = person_id
        request.session[_REFS] = refs
    return token


def person_key(request: HttpRequest, person_id: int, named: object) -> str:
    """How a link or form names a child: by id if the page ``named`` her, otherwise by this
    session's reference to her."""
    return str(person_id) if named else ref_for(request, person_id)


def person_of(request: HttpRequest, ref: object) -> int | None:
    """The child ``ref`` stands for in this session, or None if it stands for nobody."""
    if not isinstance(ref, str):
        return None
    return request.session.get(_REFS, {}).get(ref)


def person_in(request: HttpRequest, value: object) -> object:
    """A child named in a query or a form: by a reference of this session (the child it
    stands for), else by id (``value`` as given, for ``parse_id``). A reference is never an
    id: it is 24 hexadecimal characters, an id at most 19 digits."""
    found = person_of(request, value)
    return value if found is None else found


def people_in(request: HttpRequest, values: Iterable[object]) -> list[object]:
    """``person_in`` for each of ``values`` (for ``parse_ids``)."""
    return [person_in(request, value) for value in values]
