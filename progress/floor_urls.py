"""The site's URLs plus the bench's floor: POST /bench/floor behind the same stack.

The floor passes the same middleware, session authentication and CSRF check as
POST /api/progress/events (a django-ninja API with django_auth) and returns a
constant JSON body. Only config.settings.loadtest uses this URLconf.
"""

from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from config.urls import urlpatterns as site_urlpatterns

floor_api = NinjaAPI(auth=django_auth, urls_namespace="floor", docs_url=None)


@floor_api.post("/floor")
def floor(request):
    return {"ok": True}


urlpatterns = [path("bench/", floor_api.urls), *site_urlpatterns]
