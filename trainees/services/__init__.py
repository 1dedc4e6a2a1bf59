"""Writes to a trainee's journey, one module per capability: `profile` (background
and wishes), `competence` (self-assessment, evidence, validation), `logs` (weekly
progress logs and their comments), `milestones` (coaching milestones) and
`summary` (the end-of-programme PDF). Each write is atomic, checks `trainees.access`
on the rows it locked, writes an audit row, and emails through the outbox."""
