"""Take the decisions' consequences out of every lesson's stored search text.

LessonPage.save() now leaves them out; rows saved before keep them until this
runs. Works on the raw stream data, so it does not depend on today's blocks.
"""

from django.db import migrations


def drop_consequences(apps, schema_editor):
    LessonPage = apps.get_model("lessons", "LessonPage")
    for lesson in LessonPage.objects.exclude(search_text="").iterator():
        text = lesson.search_text
        for child in lesson.script.raw_data or []:
            if child.get("type") != "decision":
                continue
            for option in (child.get("value") or {}).get("options") or []:
                value = option.get("value", option) if isinstance(option, dict) else {}
                consequence = (value.get("consequence") or "").strip()
                if consequence:
                    text = text.replace(consequence, "")
        text = "\n".join(line for line in text.split("\n") if line.strip())
        if text != lesson.search_text:
            LessonPage.objects.filter(pk=lesson.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [("lessons", "0006_decision_choice_history")]

    operations = [migrations.RunPython(drop_consequences, migrations.RunPython.noop)]
