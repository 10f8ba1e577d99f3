import unicodedata

from django.core.management.base import BaseCommand

from cms.demo import DEMO_LOGINS, UNIT_NAMES


class Command(BaseCommand):
    help = "Print the demo accounts made by seed_demo: role, username, password, scope."

    def handle(self, *args, **options):
        header = ("role", "username", "password", "scope")
        rows = [header] + [
            (
                login.role,
                login.username,
                login.password,
                f"{UNIT_NAMES[login.scope]} ({login.scope})",
            )
            for login in DEMO_LOGINS
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    cell + " " * (width - _width(cell))
                    for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
