from django.urls import path

from reports import views, views_exports, views_jobs

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/exports/", views_exports.exports_page, name="exports"),
    # before the figures/rows route, whose pattern "logs.csv" would also match
    path(
        "reports/exports/logs.<str:file_format>",
        views_exports.export_logs,
        name="export_logs",
    ),
    path(
        "reports/exports/<str:kind>.<str:file_format>",
        views_exports.export_download,
        name="export",
    ),
    path("reports/exports/named/", views_exports.export_named, name="export_named"),
    path("reports/report.pdf", views_exports.report_pdf, name="pdf"),
    path("reports/exports/history/", views_jobs.export_request, name="export_request"),
    path("reports/exports/<int:pk>/", views_jobs.export_job, name="export_job"),
    path(
        "reports/exports/<int:pk>/download/",
        views_jobs.export_job_download,
        name="export_job_download",
    ),
]
