"""Wagtail's default moderation workflow is named from its group in English
("Moderators approval"), and trainers read it on the edit page's 提交给… button:
give the workflow and its task Chinese names, unless someone renamed them."""

from django.db import migrations

ENGLISH = "Moderators approval"
WORKFLOW = "审核员"
TASK = "审核员审批"


def rename(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=ENGLISH).update(
        name=WORKFLOW
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=ENGLISH).update(
        name=TASK
    )


def restore(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW).update(
        name=ENGLISH
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK).update(
        name=ENGLISH
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_profile_must_change_password"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(rename, restore)]
