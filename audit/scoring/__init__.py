"""Scoring: turn an audit's answers into indicator, domain, recommendation and overall scores."""
