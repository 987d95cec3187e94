"""Placeholder until the scorecards pages land (being written)."""

from flask import Blueprint

bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")
