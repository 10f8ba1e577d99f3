"""python manage.py seed_scale --workers 10000 --lessons 200 [--seed N]"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dashboards import scale


class Command(BaseCommand):
    help = (
        "Build a district at full scale for the dashboard bench: 12 streets of about "
        "20 neighbourhoods, workers, supervisors, 20 courses, assignments, progress, "
        "quiz attempts and event history (into an otherwise empty database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=10_000)
        parser.add_argument("--lessons", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--no-progress-bar", action="store_true", help="print stages only"
        )

    def handle(self, *args, workers, lessons, seed, no_progress_bar, **options):
        if workers < 1 or lessons < 1:
            raise CommandError("--workers and --lessons must be at least 1")
        rng = random.Random(seed)
        started = time.monotonic()
        bar = tqdm(
            total=scale.work_units(workers=workers, lessons=lessons),
            unit="step",
            disable=no_progress_bar,
            file=self.stderr._out,
            smoothing=0,
        )

        def stage(label):
            bar.set_description(label)
            if no_progress_bar:
                self.stdout.write(f"{label} ({time.monotonic() - started:.0f} s)")

        try:
            seeded = scale.seed_all(
                rng=rng, workers=workers, lessons=lessons, tick=bar.update, stage=stage
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        finally:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_scale: {len(seeded.worker_ids)} workers, "
                f"{len(seeded.neighbourhoods)} neighbourhoods in "
                f"{len(seeded.streets)} streets, {len(seeded.lesson_ids)} lessons, "
                f"{seeded.counts} in {time.monotonic() - started:.0f} s. "
                f"Supervisors: sup_scale_district, sup_{seeded.streets[0].code}, "
                f"sup_{seeded.neighbourhoods[0].code}; password {scale.PASSWORD}"
            )
        )
