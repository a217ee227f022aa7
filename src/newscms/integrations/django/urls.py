"""The read API: ``path("news/", include("newscms.integrations.django.urls"))``.

URL names are the route names in the ``newscms`` namespace
(``reverse("newscms:article", kwargs={"locale": "en", "slug": "..."})``).
"""

from newscms.integrations.django.views import read_patterns

app_name = "newscms"
urlpatterns = read_patterns()
