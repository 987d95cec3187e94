"""WPS Audit: the Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from audit.paths import ROOT
from config import Config, config_from_env, instance_path


def create_app(
    config: type[Config] | None = None, overrides: Mapping[str, Any] | None = None
) -> Flask:
    """Build the app: settings, extensions, workers, features, commands."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=instance_path() or str(ROOT / "instance"),
    )
    config = config or config_from_env()
    app.config.from_object(config)
    app.config.update(overrides or {})
    config.init_app(app)

    from audit import extensions, i18n, routing, security, transactions
    from audit.errors import register_error_handlers
    from audit.refusals import web as refusals
    from workers import celery_init_app

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(ROOT / "audit" / "migrations"),
        render_as_batch=True,  # SQLite can only ALTER through table copies
    )
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    routing.init_app(app)
    transactions.init_app(app)
    refusals.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    celery_init_app(app)
    register_error_handlers(app)

    from audit.accounts.two_step_views import bp as two_step_bp
    from audit.accounts.views import bp as accounts_bp
    from audit.audits.cycle_views import bp as cycles_bp
    from audit.audits.views import bp as audits_bp
    from audit.exports.views import bp as exports_bp
    from audit.frameworks.views import bp as frameworks_bp
    from audit.home.views import bp as home_bp
    from audit.orgs.views import bp as orgs_bp
    from audit.scoring.portfolio_views import bp as portfolio_bp
    from audit.scoring.views import bp as scorecards_bp
    from audit.system.views import bp as system_bp

    blueprints = (accounts_bp, audits_bp, cycles_bp, exports_bp, frameworks_bp, home_bp)
    more = (orgs_bp, portfolio_bp, scorecards_bp, system_bp, two_step_bp)
    for blueprint in (*blueprints, *more):
        app.register_blueprint(blueprint)

    import audit.scoring.subscribers  # noqa: F401 - scoring subscribes to audits' signals
    from audit.cli import register_commands

    register_commands(app)
    return app
