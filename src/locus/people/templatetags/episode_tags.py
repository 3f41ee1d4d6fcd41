"""Which of a child's legal-status episodes a worker may change or end (``access.episodes``).

The child's page already knows whether the viewer may open an episode (``can_open_status``);
this adds the holding agency's rule per row, from the episode's agency id, without a query.
"""

from __future__ import annotations

from django import template

from locus.access import episodes
from locus.access.models import Worker
from locus.people.models import LegalStatusEpisode

register = template.Library()


@register.filter
def held_for(episode: LegalStatusEpisode, worker: Worker) -> bool:
    """``worker`` acts for the agency holding ``episode``."""
    return episodes.acts_for(worker, episode.agency_id)
