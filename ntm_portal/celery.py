"""The Celery application: `celery -A ntm_portal worker` runs the jobs queued by the web processes.

Its configuration is the CELERY_* block of settings.py. The apps' tasks are `shared_task`s in their
`tasks.py`, found here by autodiscovery, so that no app imports this top-floor module.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")

app = Celery("ntm_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
