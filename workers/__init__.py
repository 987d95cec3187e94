"""Celery, wired the way Flask documents it: every task runs inside the app context."""

from __future__ import annotations

import importlib
from typing import Any

from celery import Celery, Task
from flask import Flask

from audit.transactions import intent, unit_of_work

#: Task modules the worker imports at start-up (the web process imports them when it sends).
TASK_MODULES = ["workers.system", "workers.scoring", "workers.exports"]


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app from app.config["CELERY"] and keep it in app.extensions."""

    class FlaskTask(Task):  # type: ignore[misc]
        """Every task runs in the app context as one unit of work: committed when it returns,
        rolled back when it raises (then Celery's retry policy decides what happens next)."""

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context(), intent(writing=False), unit_of_work():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.conf.include = TASK_MODULES
    # The web process sends tasks by name through the outbox, so it registers them too.
    for module in TASK_MODULES:
        importlib.import_module(module)
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
