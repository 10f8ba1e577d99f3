from django.db import migrations

# The district's fixed 三微治理 taxonomy; trainers add free tags beside it.
TOPICS = [
    ("楼栋微整治", "building-tidy-up"),
    ("空间微改造", "space-makeover"),
    ("景观微更新", "landscape-renewal"),
    ("微规约", "micro-compact"),
    ("微课堂", "micro-classroom"),
    ("微公益", "micro-charity"),
    ("议事协商", "deliberation"),
    ("法治", "rule-of-law"),
    ("社区规划", "community-planning"),
    ("志愿服务", "volunteering"),
    ("资金筹集", "fundraising"),
]


def seed_topics(apps, schema_editor):
    Topic = apps.get_model("lessons", "Topic")
    for order, (name, slug) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )


def remove_topics(apps, schema_editor):
    Topic = apps.get_model("lessons", "Topic")
    Topic.objects.filter(slug__in=[slug for _, slug in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("lessons", "0003_lesson_pages_snippets")]

    operations = [migrations.RunPython(seed_topics, remove_topics)]
