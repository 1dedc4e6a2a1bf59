"""Make a world of realistic size for benchmarks: `--scale national` is the country
(290 municipalities, 100,000 ideas, 58,000 trainees, about three million weekly
logs), `municipal` one large municipality (1/100), `demo` 1/1000, `tiny` 1/10,000
(the tests'); `--factor` any other share. The same `--seed` (and `--today`) gives
the same rows.

It writes into an empty database only (no people, organisations, ideas or cohorts):
`--flush` first empties the tables it fills, with everything that points at them,
and restarts their ids. There is no appending: the generated names and addresses
would collide with those of an earlier run. Refused in production. Progress, with
rows per second per table, goes to stderr. The database is the configured one
(DATABASE_URL), migrated.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from demo.scale.run import Refused, generate
from demo.scale.sizes import FACTORS, sizes_for


class Command(BaseCommand):
    help = "Generate realistic data at the scale of a municipality or the whole country."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(FACTORS), default="municipal")
        parser.add_argument(
            "--factor", type=float, help="A share of the national size instead of --scale."
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="The generated world's today (YYYY-MM-DD); the real one by default.",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Empty the generated tables first (deletes their rows).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        factor = options["factor"] or FACTORS[options["scale"]]
        if not 0 < factor <= 10:
            raise CommandError("--factor must be above 0 and at most 10.")
        today = options["today"] or timezone.localdate()
        try:
            generate(
                sizes_for(factor),
                seed=options["seed"],
                today=today,
                flush=options["flush"],
                quiet=options["verbosity"] == 0,
            )
        except Refused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(self.style.SUCCESS("Scale data is generated."))
