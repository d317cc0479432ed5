"""The demo data of the circle: regions, real departments, halls, windows and kiosks, a catalog of real
high-frequency items with published guides, and the agreements and batches behind the seed's figures.

Not a Django app: a plain package at the top of the import graph that writes through the apps' models
and reads through their selectors. `tongban serve` loads it into an empty database.
"""

from .accounts import DemoAccount, demo_accounts
from .loader import DemoSummary, demo_is_loaded, demo_load

__all__ = ["DemoAccount", "DemoSummary", "demo_accounts", "demo_is_loaded", "demo_load"]
