"""The WSGI application, served by gunicorn (`compactwatch serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compactwatch.settings")
application = get_wsgi_application()
