"""Scoring: turn an audit's answers into indicator, domain, recommendation and overall scores."""

#: The Celery task that builds an audit's scorecard from an outbox message.
SCORECARD_TASK = "audit.scoring.build_scorecard"
