"""The project's Celery app for the tests' worker subprocesses (`celery -A
tests.core.worker_app worker`): the tasks such a worker sends (the flush queueing
sends, retries) go to the test run's own queue too, named by LABPORTAL_TEST_QUEUE."""

import os

from labportal.celery import app

app.conf.task_default_queue = os.environ["LABPORTAL_TEST_QUEUE"]

__all__ = ["app"]
