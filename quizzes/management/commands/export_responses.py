import csv

from django.core.management.base import BaseCommand, CommandError

from quizzes.exports import response_rows
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "The raw response matrix of a quiz as CSV: one row per attempt (worker id, "
        "attempt number, submitted at, then per question the credit and the "
        "options chosen). All attempts; --first-attempts for first attempts only."
    )

    def add_arguments(self, parser):
        parser.add_argument("quiz_id", type=int)
        parser.add_argument("--csv", action="store_true", help="CSV (the default)")
        parser.add_argument("--first-attempts", action="store_true")

    def handle(self, *args, quiz_id, first_attempts: bool, **options):
        quiz = Quiz.objects.filter(pk=quiz_id).first()
        if quiz is None:
            raise CommandError(f"no quiz {quiz_id}")
        writer = csv.writer(self.stdout)
        writer.writerows(response_rows(quiz=quiz, first_attempts_only=first_attempts))
