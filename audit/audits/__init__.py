"""Audits: the answers a unit gives to a framework, and how they are checked."""
