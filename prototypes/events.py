"""Signals other apps listen to, so that prototypes names no app to its right."""

from django.dispatch import Signal

# Sent inside the transaction of every status change of an idea, after its event is
# written, with `idea` (locked, already in its new status), `actor`, `source`, `target`
# and `note`: a receiver's writes commit or roll back with the move (archiving an idea
# ends its plan, `cohorts.receivers`).
idea_moved = Signal()
