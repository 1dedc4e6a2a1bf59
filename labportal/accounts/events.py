"""Signals other apps listen to, so that accounts names no app to its right."""

from django.dispatch import Signal

# Sent inside the transaction that created the account from an invitation, with
# `invitation` and `user`: a receiver's writes commit or roll back with the account
# (an applicant's answers become the new trainee's profile, `cohorts.recruitment`).
invitation_accepted = Signal()
