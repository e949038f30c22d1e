"""Test-data factories for accounts (factory_boy)."""

import factory

from .models import User
from .services import user_sync_groups


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    role = "officer"
    password = factory.django.Password("test-password-2026")

    @factory.post_generation
    def groups_from_role(self, create, extracted, **kwargs):
        if create:
            user_sync_groups(user=self)
