"""Test-data factories for alliances and agencies (factory_boy)."""

import factory

from .models import Agency, Alliance, Membership


class AllianceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alliance
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试知识产权保护联盟{n}")
    code = factory.Sequence(lambda n: "T" + "".join(chr(ord("A") + int(d)) for d in f"{n:03d}"))
    slug = factory.Sequence(lambda n: f"test-alliance-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"测试市{n}市场监督管理局")
    kind = "market_regulation"
    city = factory.Sequence(lambda n: f"测试市{n}")
    division_code = "320300"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    alliance = factory.SubFactory(AllianceFactory)
    agency = factory.SubFactory(AgencyFactory)
