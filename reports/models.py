"""Exports prepared in the background (the whole history is too large for a request):
the job, its progress and its file, which expires and is deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.core.models import TimeStampedModel


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired and deleted")


class ExportJob(TimeStampedModel):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_format = models.CharField(_("format"), max_length=4)
    named = models.BooleanField(_("with names"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["status", "expires_at"], name="export_status_expires"),
            models.Index(fields=["requested_by", "-created_at"], name="export_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.file_format})"

    def get_absolute_url(self) -> str:
        return reverse("reports:export_job", args=[self.pk])

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY

    @property
    def is_working(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def is_failed(self) -> bool:
        return self.status == ExportStatus.FAILED

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.is_ready else 0
        return min(100, round(100 * self.rows_done / self.rows_total))
