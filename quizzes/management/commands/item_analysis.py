import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from quizzes.analysis import quiz_analysis
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Item analysis of a quiz: facility, discrimination (corrected item-total "
        "point-biserial), option counts, KR-20/alpha and flags. First attempts by "
        "default; --all-attempts for every attempt."
    )

    def add_arguments(self, parser):
        parser.add_argument("quiz_id", type=int)
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--all-attempts", action="store_true")

    def handle(self, *args, quiz_id, json: bool, all_attempts: bool, **options):
        quiz = Quiz.objects.filter(pk=quiz_id).first()
        if quiz is None:
            raise CommandError(f"no quiz {quiz_id}")
        report = quiz_analysis(quiz=quiz, first_attempts_only=not all_attempts)
        data = report.as_dict()
        if json:
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(
            f"{data['title']}: {data['attempts']} attempts, "
            f"{data['reliability_kind']} = {_fmt(data['reliability'])}"
        )
        for flag in data["flags"]:
            self.stdout.write(f"  ! {flag['message']}")
        for item in data["items"]:
            self.stdout.write(
                f"q{item['question_id']} p={_fmt(item['facility'])} "
                f"r={_fmt(item['discrimination'])} "
                + " ".join(f"{o['letter']}:{o['count']}" for o in item["options"])
                + "".join(f"  ! {f['message']}" for f in item["flags"])
            )


def _dumps(data) -> str:
    return jsonlib.dumps(data, ensure_ascii=False, indent=2)


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}"
