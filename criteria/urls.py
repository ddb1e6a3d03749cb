"""The results pages: the grid and the overview (views_grid), a commune's page, entry and workflow steps (views),
its evidence (views_evidence), recognitions and the yearly targets (views_recognitions); and the criteria-set
editor (urls_sets)."""

from django.urls import include, path

from criteria import views, views_evidence, views_grid, views_recognitions

app_name = "criteria"

urlpatterns = [
    path("criteria-sets/", include("criteria.urls_sets")),
    path("results/", views_grid.grid, name="grid"),
    path("results/export/", views_grid.results_export, name="results_export"),
    path("results/overview/", views_grid.overview, name="overview"),
    path("communes/<int:unit_id>/<int:year>/", views.commune_detail, name="commune"),
    path("communes/<int:unit_id>/<int:year>/edit/", views.assessment_entry, name="entry"),
    path(
        "communes/<int:unit_id>/<int:year>/transition/<str:action>/",
        views.assessment_transition,
        name="transition",
    ),
    path("communes/<int:unit_id>/<int:year>/evidence/", views_evidence.evidence_list, name="evidence"),
    path("communes/<int:unit_id>/<int:year>/dossier/", views_evidence.dossier_download, name="dossier"),
    path(
        "communes/<int:unit_id>/<int:year>/recognitions/",
        views_recognitions.recognition_list,
        name="recognitions",
    ),
    path("recognitions/<int:recognition_id>/edit/", views_recognitions.recognition_edit, name="recognition_edit"),
    path(
        "recognitions/<int:recognition_id>/withdraw/",
        views_recognitions.recognition_withdraw_view,
        name="recognition_withdraw",
    ),
    path("units/<int:unit_id>/targets/<int:year>/", views_recognitions.targets, name="targets"),
    path("evidence/<int:evidence_id>/file/", views_evidence.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_id>/view/", views_evidence.evidence_viewer, name="evidence_viewer"),
    path("evidence/<int:evidence_id>/preview/", views_evidence.evidence_preview, name="evidence_preview"),
    path("evidence/<int:evidence_id>/review/", views_evidence.evidence_review_view, name="evidence_review"),
    path("evidence/<int:evidence_id>/replace/", views_evidence.evidence_replace, name="evidence_replace"),
    path("evidence/<int:evidence_id>/delete/", views_evidence.evidence_delete_view, name="evidence_delete"),
    path("evidence/<int:evidence_id>/restore/", views_evidence.evidence_restore_view, name="evidence_restore"),
]
