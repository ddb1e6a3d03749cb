from django.urls import path

from reports import views, views_dashboard

app_name = "reports"

urlpatterns = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("reports/", views.report_list, name="list"),
    path("reports/<int:report_id>/", views.report_edit, name="edit"),
    path("reports/<int:report_id>/issue/", views.report_issue, name="issue"),
    path("reports/<int:report_id>/delete/", views.report_delete, name="delete"),
    path("reports/<int:report_id>/render/<str:file_format>/", views.report_render, name="render"),
    path("reports/<int:report_id>/file/<str:file_format>/", views.report_file, name="file"),
    path("reports/jobs/<int:job_id>/", views.job_page, name="job"),
    path("reports/jobs/<int:job_id>/retry/", views.job_retry, name="job_retry"),
    path("reports/jobs/<int:job_id>/file/", views.job_download, name="job_file"),
]
