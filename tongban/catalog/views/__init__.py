"""Server-rendered pages of the catalog: the public portal (portal.py). Views are thin: they read
through the catalog's selectors and shape rows for the templates (shaping.py)."""
