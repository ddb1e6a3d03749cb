"""The funding pages."""

from django.urls import path

from funding import views

app_name = "funding"

urlpatterns = [
    path("funding/", views.summary, name="summary"),
]
