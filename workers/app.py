"""Worker entry point: `celery -A workers.app worker`."""

from audit import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
app = celery_app
