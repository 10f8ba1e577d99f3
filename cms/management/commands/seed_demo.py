import importlib
import importlib.util

from django.core.management.base import BaseCommand

from cms import demo

# Other apps extend the demo by providing `<app>.demo.seed(stdout=...)`; they run
# after the organisation exists, in this order (lessons use videos, quizzes use
# lessons, progress assigns lessons and replays learning up to the quiz attempts).
EXTENSIONS = ("media.demo", "lessons.demo", "quizzes.demo", "progress.demo")


class Command(BaseCommand):
    help = (
        "Create or refresh the Yangpu demo (org tree, people, then the lesson "
        "content of the other apps). Safe to run more than once. "
        "See `manage.py demo_logins` for the accounts."
    )

    def handle(self, *args, **options):
        demo.seed(stdout=self.stdout)
        for name in EXTENSIONS:
            if not _module_exists(name):
                continue
            importlib.import_module(name).seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS("Demo ready. Logins: manage.py demo_logins")
        )


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent package itself is missing
        return False
