from django.db import migrations


def create_learning_home(apps, schema_editor):
    """Replace Wagtail's welcome page with the learning home as the default site's root."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    LearningHomePage = apps.get_model("lessons.LearningHomePage")

    Page.objects.filter(depth=2, slug="home").delete()
    content_type, _ = ContentType.objects.get_or_create(
        model="learninghomepage", app_label="lessons"
    )
    home = LearningHomePage.objects.create(
        title="微课堂",
        draft_title="微课堂",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale_id=Page.objects.get(depth=1).locale_id,
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "微课堂"},
    )
    Page.objects.filter(depth=1).update(numchild=1)


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(create_learning_home, migrations.RunPython.noop)]
