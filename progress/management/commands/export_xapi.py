"""python manage.py export_xapi [--since YYYY-MM-DD] [--out FILE]: xAPI JSON lines."""

import json
import sys
from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError

from progress.services.ledger import SHANGHAI
from progress.xapi import statements


class Command(BaseCommand):
    help = "Write xAPI 1.0.3 statements (one JSON object per line) for an LRS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", help="first day (Asia/Shanghai), YYYY-MM-DD; default all"
        )
        parser.add_argument("--out", help="file to write; default standard output")

    def handle(self, *args, since=None, out=None, **options):
        start = None
        if since:
            try:
                day = date.fromisoformat(since)
            except ValueError as exc:
                raise CommandError(f"--since {since!r} is not YYYY-MM-DD") from exc
            start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
        stream = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
        count = 0
        try:
            for statement in statements(since=start):
                stream.write(
                    json.dumps(statement, ensure_ascii=False, sort_keys=True) + "\n"
                )
                count += 1
        finally:
            if out:
                stream.close()
        self.stderr.write(f"{count} statements")
