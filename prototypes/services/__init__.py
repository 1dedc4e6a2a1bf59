"""Writes to ideas, one module per capability:

- `ideas`: drafting, editing and submitting an idea
- `attachments`: storing, removing and handing out its files
- `status`: every status change, through the table in `prototypes.workflow`
- `comments`: the thread of the lab's questions and the department's answers
- `triage`: the lab's assessment (skills, size, ready to plan)
- `prototype_record`: what is built from an accepted idea
- `evaluation`: the department's verdict on a delivered prototype
- `notify` and `concurrency`: the emails and the row lock every write shares

Every write is atomic, audited, checks its rights with `prototypes.access` on the
row it locked, and tells the people it concerns by email through the outbox (one
email per event and recipient).
"""
