"""References to children a page shows but the viewer cannot see.

A page that shows "a child not shared with you" still has to let the worker act on that child:
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
_GROUPS = "hidden_groups"
# A page of borough clusters makes one group a cluster: a few pages' worth are kept.
_MAX_GROUPS = 60


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


def group_ref(request: HttpRequest, person_ids: Iterable[int]) -> str:
    """One reference to several children the viewer cannot see (a borough cluster's may be
    hundreds): the page's link carries it in place of their ids. It stands for them in this
    session only; the oldest are let go when too many are kept."""
    ids = sorted(set(person_ids))
    token = "g" + salted_hmac(_GROUPS, f"{request.user.pk}:{ids}").hexdigest()[:23]
    groups: dict[str, list[int]] = request.session.get(_GROUPS, {})
    if groups.get(token) != ids:
        groups.pop(token, None)
        while len(groups) >= _MAX_GROUPS:
            groups.pop(next(iter(groups)))
        groups[token] = ids
        request.session[_GROUPS] = groups
    return token


def people_query_for(request: HttpRequest, people: Iterable[tuple[int, bool]]) -> list[str]:
    """The ``person=`` values naming each of ``people`` (id, named on the page): those named
    by id, and all the others by one group reference (:func:`group_ref`)."""
    people = list(people)
    values = [str(pk) for pk, named in people if named]
    hidden = [pk for pk, named in people if not named]
    if hidden:
        values.append(group_ref(request, hidden))
    return values


def people_in(request: HttpRequest, values: Iterable[object]) -> list[object]:
    """``person_in`` for each of ``values`` (for ``parse_ids``); a group reference of this
    session stands for each child in it."""
    groups: dict[str, list[int]] = request.session.get(_GROUPS, {})
    found: list[object] = []
    for value in values:
        if isinstance(value, str) and value in groups:
            found.extend(groups[value])
        else:
            found.append(person_in(request, value))
    return found
