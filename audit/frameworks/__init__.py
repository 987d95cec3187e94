"""Audit frameworks: versioned indicator sets tied to the GNWP recommendations R01-R30."""
