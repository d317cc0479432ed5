"""Every write of identity, one module per subject: accounts, mandates, identity_codes, staff, tokens.

Callers import the function from its module (`from tongban.identity.services.mandates import mandate_create`).
"""
