"""A child's legal-status pages: open an episode, change a plan's category or a looked-after
legal status, end an episode. Who may is ``access.episodes``; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from locus.access import episodes, lookups
from locus.access.selectors import all_agencies
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pages import logged_form_page, posted, submitted
from locus.common.services import permitted
from locus.people.forms_status import EpisodeChangeForm, EpisodeEndForm, EpisodeOpenForm
from locus.people.models import LegalStatus, LegalStatusEpisode, Person
from locus.people.services import CHANGEABLE, episode_change, episode_end, episode_start


def _page(
    request: AuthedRequest,
    person: Person,
    form: GovukForm,
    episode: LegalStatusEpisode | None = None,
    **words: str,
) -> HttpResponse:
    """The form's page (``words``: its heading and button); its read of the child's record
    is logged, with the episode shown."""
    shown = {"episode": episode.pk if episode is not None else None}
    context: dict[str, Any] = {"person": person, "episode": episode, **words}
    return logged_form_page(
        request, "people/status/form.html", form, about=person, shown=shown, **context
    )


def status_open(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person_to_record(
        request.user, person_id, rule=episodes.can_open_episode
    )
    chooses = episodes.chooses_agency(request.user)
    form = EpisodeOpenForm(posted(request), agencies=all_agencies() if chooses else ())

    def run() -> None:
        data = form.cleaned_data
        episode_start(
            actor=request.user,
            person=person,
            agency=episodes.holding_agency(request.user, form.chosen_agency()),
            status=data["status"],
            start=data["start"],
            cp_category=data["cp_category"],
            lac_legal_status=data["lac_legal_status"],
        )

    if submitted(request, form, run, "Legal status opened"):
        return redirect("person", person_id=person.pk)
    return _page(request, person, form, heading="Open a legal status", button="Open the status")


def _episode(request: AuthedRequest, person_id: int, episode_id: int) -> LegalStatusEpisode:
    """The child's episode, for a worker who may change it (404 for anyone else)."""
    episode = episodes.access_episode(request.user, person_id, episode_id)
    permitted(episodes.can_change_episode, request.user, episode)
    return episode


CHANGE_HEADINGS = {
    "cp_category": "Change the plan's category",
    "lac_legal_status": "Change the looked-after legal status",
}


def status_change(request: AuthedRequest, person_id: int, episode_id: int) -> HttpResponse:
    episode = _episode(request, person_id, episode_id)
    field = CHANGEABLE.get(LegalStatus(episode.status))
    if field is None:  # nothing of a child in need, early help or youth justice changes
        raise Http404("Not found")
    form = EpisodeChangeForm(posted(request), field=field)
    person = episode.person  # read with the worker's sight; the service reads the episode anew

    def run() -> None:
        data = form.cleaned_data
        episode_change(
            actor=request.user,
            episode=episode,
            start=data["start"],
            detail=data[field],
            reason=data["reason"],
        )

    if submitted(request, form, run, f"{episode.get_status_display()} changed"):
        return redirect("person", person_id=person.pk)
    heading = CHANGE_HEADINGS[field]
    return _page(request, person, form, heading=heading, button="Save", episode=episode)


def status_end(request: AuthedRequest, person_id: int, episode_id: int) -> HttpResponse:
    episode = _episode(request, person_id, episode_id)
    form = EpisodeEndForm(posted(request))
    person = episode.person  # read with the worker's sight; the service reads the episode anew

    def run() -> None:
        data = form.cleaned_data
        episode_end(actor=request.user, episode=episode, end=data["end"], reason=data["reason"])

    if submitted(request, form, run, f"{episode.get_status_display()} ended"):
        return redirect("person", person_id=person.pk)
    heading = "End a legal status"
    return _page(request, person, form, heading=heading, button="End it", episode=episode)
