"""The outbox: background work recorded in the same transaction as the change that needs it."""
