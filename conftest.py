import pytest

from tongban.regions.models import Region
from tongban.regions.services import regions_load_reference


@pytest.fixture
def circle(db) -> dict[str, Region]:
    """The circle's reference regions, by key (GB/T 2260 code, or the zone's slug such as "donghu")."""
    regions_load_reference()
    return {region.key: region for region in Region.objects.all()}
