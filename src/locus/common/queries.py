"""Small reads shared by the domain apps' selectors."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from django.db.models import Q, QuerySet


def ids_among(rows: QuerySet[Any], ids: Collection[int]) -> set[int]:
    """Which of ``ids`` are rows of ``rows`` (typically what a viewer may see): one query,
    and none at all when there are no ids, so a page with nothing to check pays nothing."""
    if not ids:
        return set()
    return set(rows.filter(id__in=ids).values_list("id", flat=True))


# A long pick list's search (``common.forms.ListSearch``) matches a choice when each word
# searched begins one of its label's words, whatever the case: "ann" finds "Anna Smith" and
# "Smith, Anna", not "Joanne". A word is a run of letters and digits, searched as labelled.
_WORD = re.compile(r"\w+")


def words_of(text: str) -> list[str]:
    """The words of ``text``, in lower case: runs of letters and digits."""
    return _WORD.findall(text.lower())


def begins_words(label: str, words: Sequence[str]) -> bool:
    """Whether each of ``words`` (:func:`words_of` a search) begins a word of ``label``."""
    held = words_of(label)
    return all(any(h.startswith(w) for h in held) for w in words)


def word_begins(field: str, word: str) -> Q:
    """:func:`begins_words` for one word, in the database: rows whose ``field`` has a word
    beginning ``word`` (one of :func:`words_of`: letters and digits, escaped all the same)."""
    return Q(**{f"{field}__iregex": rf"(^|\W){re.escape(word)}"})
