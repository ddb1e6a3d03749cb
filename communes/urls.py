from django.urls import path

from communes import views

app_name = "communes"

urlpatterns = [
    path("boundaries/", views.boundaries, name="boundaries"),
    path("boundaries/<int:upload_id>/", views.boundary_upload, name="boundary_upload"),
    path("boundaries/<int:upload_id>/confirm/", views.boundary_confirm, name="boundary_confirm"),
]
