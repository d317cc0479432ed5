from tongban.catalog.choices import VersionStatus
from tongban.catalog.models import SearchEntry
from tongban.catalog.tests.factories import published_implementation


def test_published_implementation_is_in_force_and_indexed(db):
    impl = published_implementation(name="社会保障卡申领")

    assert impl.current.status == VersionStatus.PUBLISHED
    assert impl.current.number == 1
    assert SearchEntry.objects.get(pk=impl.pk).names.startswith("社会保障卡申领")
