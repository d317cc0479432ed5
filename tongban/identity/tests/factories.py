"""Factories for accounts, staff roles and mandates; ID numbers and USCCs are valid, check digits included."""

import datetime

import factory
from stdnum.cn import ric

from tongban.core.identifiers import make_uscc
from tongban.identity.choices import AccountKind, Role
from tongban.identity.models import Company, Mandate, Person, StaffRole, User
from tongban.regions.tests.factories import OrganizationFactory

PASSWORD = "Tongban-test-2026"  # tests only


def make_id_number(
    n: int, *, region: str = "420102", birth: datetime.date = datetime.date(1990, 3, 7)
) -> str:
    """A valid 18-digit resident ID number (GB 11643), distinct for each n below 1000."""
    body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the number with a check digit place


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    kind = AccountKind.PERSON
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    """A citizen account with its Person (real name, encrypted ID and phone, blind indexes)."""

    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory, kind=AccountKind.PERSON)
    real_name = factory.Sequence(lambda n: f"张{'三四五六七八九'[n % 7]}{n}")
    id_number = factory.Sequence(lambda n: make_id_number(n))
    phone = factory.Sequence(lambda n: f"1510000{n % 10000:04d}")
    birth_date = datetime.date(1990, 3, 7)
    region_code = "420102"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    user = factory.SubFactory(UserFactory, kind=AccountKind.COMPANY)
    name = factory.Sequence(lambda n: f"武汉测试科技有限公司{n}")
    uscc = factory.Sequence(lambda n: make_uscc(registry="91", region_code="420100", org_body=f"C{n:07d}"))
    legal_representative = "李四"
    legal_representative_id_number = factory.Sequence(lambda n: make_id_number(500 + n))


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory, kind=AccountKind.STAFF)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.WINDOW_CLERK


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    principal = factory.LazyFunction(lambda: PersonFactory().user)
    agent = factory.SubFactory(PersonFactory)
    all_items = True
    starts_on = factory.LazyFunction(lambda: datetime.date.today())
    expires_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))
