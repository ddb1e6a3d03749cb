"""The results pages: the grid and the overview (views_grid), a commune's page, entry and workflow steps (views)."""

from django.urls import path

from criteria import views, views_grid

app_name = "criteria"

urlpatterns = [
    path("results/", views_grid.grid, name="grid"),
    path("results/overview/", views_grid.overview, name="overview"),
    path("communes/<int:unit_id>/<int:year>/", views.commune_detail, name="commune"),
    path("communes/<int:unit_id>/<int:year>/edit/", views.assessment_entry, name="entry"),
    path(
        "communes/<int:unit_id>/<int:year>/transition/<str:action>/",
        views.assessment_transition,
        name="transition",
    ),
]
