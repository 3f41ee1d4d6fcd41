"""What the signed-in worker's pages offer them: the role decisions templates used to spell
out (``user.role == "auditor"``), made here from the same rules the pages themselves check,
so a menu never offers a page its reader would be refused."""

from __future__ import annotations

from dataclasses import dataclass

from locus.access import (
    api,
    break_glass,
    context_cases,
    interchange,
    notifications,
    policies,
    provisioning,
    recording,
    retention,
    scopes,
    sharing,
    subjectaccess,
)
from locus.access.models import Worker


@dataclass(frozen=True)
class Menu:
    case_records: bool  # people, places, incidents, meetings, casework: auditors see none
    audit: bool  # the audit trail
    audit_only: bool  # an auditor's home page: the trail, no caseload
    linked_cases: str  # the url name of their linked cases page: the borough's, or a caseload's
    manages_team: bool  # a team manager: their team's meetings and emergency access too
    all_emergency_uses: bool  # every use of emergency access, as the trail shows it
    records_people: bool = False  # "Record a young person" on the people list and My work
    imports: bool = False  # the data team's imports
    api_tokens: bool = False  # their own API tokens (access/api.py)
    live_tokens: bool = False  # every worker's live API tokens, to revoke (access/api.py)
    retention: bool = False  # the retention rules, legal holds and purges (access/retention.py)
    subject_access: bool = False  # the subject access request log (access/subjectaccess.py)
    sharing_register: bool = False  # the sharing register (access/sharing.py)
    # Their access waits for a second person to confirm it (access/provisioning.py): every
    # page says so, and the menu offers none of their role's pages meanwhile.
    waiting: bool = False
    # The url name of the page with their notifications (access/notifications.py): every
    # worker has one, whatever their role.
    notifications: str = "notifications"
    # People, incidents and linked cases: lists of children, for a worker whose place gives
    # them children to see (scopes.sees_children). A housing officer or a conference chair
    # has places, context cases, meetings, panels, visits and their work, and no child.
    children: bool = True
    # The Linked cases item: their caseload's links (a worker who sees children), or the
    # borough's clusters (which name nobody the reader may not see).
    linked: bool = True
    # Why a worker who sees case records sees no child, for their home page to say plainly:
    # "partner" (a partner organisation's staff), "independent" (an independent reviewing
    # service's), "" (they see children, or no case records at all).
    no_children_because: str = ""


def menu_for(worker: Worker) -> Menu:
    """The menu for ``worker``; no database query (every rule it asks is about the worker)."""
    case_records = scopes.sees_case_records(worker)
    audit = policies.can_view_audit(worker)
    children = scopes.sees_children(worker)
    borough = policies.can_view_borough_links(worker)
    return Menu(
        case_records=case_records,
        audit=audit,
        audit_only=audit and not case_records,
        linked_cases="linked-borough" if borough else "linked",
        manages_team=policies.manages_a_team(worker),
        all_emergency_uses=break_glass.can_read_all_uses(worker),
        records_people=recording.can_record_person(worker),
        imports=interchange.can_import(worker),
        api_tokens=api.can_hold_tokens(worker),
        live_tokens=api.can_revoke_any(worker),
        retention=retention.can_read_retention(worker),
        subject_access=subjectaccess.can_work_requests(worker),
        sharing_register=sharing.can_read_register(worker),
        waiting=provisioning.awaiting(worker),
        notifications=notifications.notifications_page(worker),
        children=children,
        linked=children or borough,
        no_children_because=_why_no_children(worker) if case_records and not children else "",
    )


def _why_no_children(worker: Worker) -> str:
    return "partner" if context_cases.is_partner(worker) else "independent"
