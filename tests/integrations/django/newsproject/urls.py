"""URLs of the example project: newscms's read API and one view of the project's own."""

from django.urls import include, path

from newsproject import views

urlpatterns = [
    path("news/", include("newscms.integrations.django.urls")),
    path("latest/<str:locale>", views.latest, name="latest"),
]
