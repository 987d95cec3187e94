"""The application factory and each configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import create_app
from config import (
    DevelopmentConfig,
    ProductionConfig,
    TestingConfig,
    config_from_env,
    database_uri,
)


def test_testing_config_is_used_and_csrf_is_off_for_tests(app):
    assert app.testing
    assert app.config["WTF_CSRF_ENABLED"] is False
    assert app.config["CELERY"]["task_always_eager"] is True


def test_embedded_default_uses_sqlite_in_the_instance_folder_and_keeps_its_key(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("WPS_INSTANCE_PATH", str(tmp_path))
    first = create_app(
        DevelopmentConfig, {"DATABASE_URL": None, "REDIS_URL": None, "SECRET_KEY": None}
    )
    second = create_app(
        DevelopmentConfig, {"DATABASE_URL": None, "REDIS_URL": None, "SECRET_KEY": None}
    )
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'wps-audit.sqlite'}"
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    # No broker configured: tasks run in-process, limits live in memory.
    assert first.config["CELERY"]["task_always_eager"] is True
    assert first.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_a_broker_url_switches_celery_and_limits_to_redis(tmp_path, monkeypatch):
    monkeypatch.setenv("WPS_INSTANCE_PATH", str(tmp_path))
    app = create_app(DevelopmentConfig, {"REDIS_URL": "redis://127.0.0.1:6379/3"})
    celery = app.config["CELERY"]
    assert celery["broker_url"] == "redis://127.0.0.1:6379/3"
    assert "task_always_eager" not in celery
    assert celery["task_serializer"] == "json"
    assert celery["accept_content"] == ["json"]
    assert celery["task_ignore_result"] is True
    assert celery["task_acks_late"] is True
    assert celery["worker_prefetch_multiplier"] == 1
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert app.extensions["celery"].conf.broker_url == "redis://127.0.0.1:6379/3"


def test_production_refuses_to_start_without_secret_key_and_database(tmp_path, monkeypatch):
    monkeypatch.setenv("WPS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app(ProductionConfig, {"SECRET_KEY": None, "DATABASE_URL": None})
    assert not (tmp_path / "secret_key").exists()


def test_production_cookies_are_secure_and_https_is_forced(tmp_path, monkeypatch):
    monkeypatch.setenv("WPS_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        ProductionConfig, {"SECRET_KEY": "x" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/login")
    assert response.status_code == 302
    assert response.location.startswith("https://")


def test_security_headers_are_sent(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_postgres_urls_use_the_psycopg3_driver():
    assert database_uri("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_uri("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_uri("sqlite:///x.db") == "sqlite:///x.db"


def test_config_is_chosen_by_wps_env(monkeypatch):
    monkeypatch.delenv("WPS_ENV", raising=False)
    assert config_from_env() is DevelopmentConfig
    monkeypatch.setenv("WPS_ENV", "production")
    assert config_from_env() is ProductionConfig
    monkeypatch.setenv("WPS_ENV", "testing")
    assert config_from_env() is TestingConfig
    monkeypatch.setenv("WPS_ENV", "staging")
    with pytest.raises(RuntimeError, match="WPS_ENV"):
        config_from_env()


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_templates_are_found_at_the_top_level(app):
    assert Path(app.template_folder).name == "templates"
