"""The criteria-set editor (views_sets), under /criteria-sets/."""

from django.urls import path

from criteria import views_sets

urlpatterns = [
    path("", views_sets.set_list, name="set_list"),
    path("new/", views_sets.set_create, name="set_create"),
    path("import/", views_sets.set_import, name="set_import"),
    path("<int:set_id>/", views_sets.set_detail, name="set_detail"),
    path("<int:set_id>/copy/", views_sets.set_copy, name="set_copy"),
    path("<int:set_id>/edit/", views_sets.set_edit, name="set_edit"),
    path("<int:set_id>/export/", views_sets.set_export, name="set_export"),
    path("<int:set_id>/criteria/new/", views_sets.criterion_edit, name="criterion_add"),
    path("<int:set_id>/criteria/<int:criterion_id>/", views_sets.criterion_edit, name="criterion_edit"),
    path("<int:set_id>/criteria/<int:criterion_id>/indicators/new/", views_sets.indicator_edit, name="indicator_add"),
    path("<int:set_id>/indicators/<int:indicator_id>/", views_sets.indicator_edit, name="indicator_edit"),
    path("<int:set_id>/indicators/<int:indicator_id>/thresholds/", views_sets.thresholds_edit, name="thresholds_edit"),
    path("<int:set_id>/<str:kind>/<int:item_id>/delete/", views_sets.item_delete, name="item_delete"),
]
