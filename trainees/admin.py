from django.contrib import admin

from trainees.models import TraineeProfile

admin.site.register(TraineeProfile)
