"""Writes of the cohorts app, one module per capability; each in a transaction, with
its audit row."""
