"""Placeholder until the portfolio pages land (being written)."""

from flask import Blueprint

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")
