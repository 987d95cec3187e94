"""Who may do what: the roles a person holds and the units each role reaches.

This package sits below every feature that checks access (accounts, orgs, audits, scoring,
exports): it imports none of them. The rules read a user's role assignments through the
attributes every assignment has (`role`, `unit_id`, `institution_id`, `country_id`, `unit.path`)
and query the units table directly, so the packages that own those models can use the rules
without an import cycle.
"""
