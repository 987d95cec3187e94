"""Organisations: countries, institutions and their units."""
