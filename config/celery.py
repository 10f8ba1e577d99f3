import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("weiketang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules of packages inside an app (INSTALLED_APPS names only the app).
app.autodiscover_tasks(["cms.accounts"])
