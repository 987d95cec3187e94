"""Sign-in sessions and security headers."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from audit.extensions import db, login_manager, talisman

#: Everything is served from our own static files: no inline script, no CDN.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": ["'self'", "data:"],
    "style-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app: Flask) -> None:
    """Flask-Login (sessions keyed by a rotating token), the real client address behind trusted
    proxies (ProxyFix) and Talisman (headers, HTTPS)."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str) -> object:
        from audit.accounts.models import User

        return db.session.scalar(select(User).where(User.login_token == token))

    @app.context_processor
    def roles_context() -> dict[str, object]:
        from audit.accounts.models import Role

        return {"Role": Role}

    hops = app.config["TRUSTED_PROXIES"]
    if hops:  # behind N proxies: the client's own address and scheme, not the last proxy's
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        strict_transport_security=app.config["FORCE_HTTPS"],
    )
