"""What every meeting-like record shares: a conference, a mapping meeting, a panel.

Each feature runs its own kind of meeting (a context conference and its plan in
``casework``, a peer group mapping meeting in ``mapping``, an HSB or MACE panel
in ``panels``), and each is built from the same parts, kept here once:

- ``machine``: the states a record moves through and the moves each allows
  (:class:`~locus.forums.machine.Machine`), refusing any other move with a plain
  message;
- ``models``: one ``Attendance`` choice set, the abstract ``Decision``,
  ``Action`` (an owner, an agency, a due date, a status) and ``ActionUpdate``
  (one step of an action's history), and the action's state machine;
- ``services``: the one way of updating an action and of checking minutes.

It holds no concrete model (it is not an installed app): the features' tables
stay theirs. It imports none of the features.
"""
