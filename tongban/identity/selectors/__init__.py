"""Every read of identity that is more than a .get(), scoped to what the actor may see; one module per
subject (accounts, mandates, codes, me). Callers import from the module."""
