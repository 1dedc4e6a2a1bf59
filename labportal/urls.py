from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from labportal.core.views import healthz

# The Django admin signs in through allauth: the same rate limits and MFA apply.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "LabPortal"

# A lost database answers 503 "try again in a minute"; other errors the plain 500 page.
handler500 = "labportal.core.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("labportal.accounts.urls")),
    path("", include("labportal.core.urls")),
    path("", include("prototypes.urls")),
    path("", include("trainees.urls")),
    path("", include("cohorts.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
