import pytest

from tongban.regions.models import Region
from tongban.regions.services import regions_load_reference


@pytest.fixture
def circle(db) -> dict[str, Region]:
    """The circle's reference regions, by key (GB/T 2260 code, or the zone's slug such as "donghu")."""
    regions_load_reference()
    return {region.key: region for region in Region.objects.all()}


@pytest.fixture(autouse=True)
def _fast_passwords_and_no_lockout(request, settings):
    """Tests hash passwords with a fast hasher (production uses Argon2, tested on its own), and lockout is
    off except in tests marked `lockout`: the test client's login() passes no request, which the lockout
    backend needs."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    if "lockout" not in request.keywords:
        settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The working-day calendar caches its tables per process; each test starts without that cache, so
    query counts and calendar edits do not depend on which test ran before."""
    from tongban.core.calendar import calendar_cache_clear

    calendar_cache_clear()
