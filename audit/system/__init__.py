"""System status for administrators: workers, the activity log."""
