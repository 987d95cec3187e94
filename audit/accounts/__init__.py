"""Accounts: signing in and out, passwords, language, and the administrators' user pages."""
