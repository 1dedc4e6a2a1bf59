from django.urls import path

from reports import views, views_exports

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/exports/", views_exports.exports_page, name="exports"),
    path(
        "reports/exports/<str:kind>.<str:file_format>",
        views_exports.export_download,
        name="export",
    ),
    path("reports/exports/named/", views_exports.export_named, name="export_named"),
    path("reports/report.pdf", views_exports.report_pdf, name="pdf"),
]
