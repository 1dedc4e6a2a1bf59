"""Realistic data at the size of a municipality or of the whole country, for the
national-scale benchmarks (`manage.py generate_scale_data`).

The rows are written by PostgreSQL COPY with ids reserved up front, not through the
services: three million weekly logs through the ORM would take hours. What the
services would keep consistent is kept consistent here instead (an idea's stamps
and history follow the workflow table, enrolments never overlap, one outcome per
enrolment and point). One `random.Random` per part, seeded by the seed and the
part's name: the same seed gives the same rows, whatever the order of the parts.
"""
