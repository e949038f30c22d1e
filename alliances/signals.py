"""Alliance data is shown on public pages: any change to it drops the public page cache."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.cache import invalidate_public_pages

from .models import Agency, Alliance, AllianceMechanism, Membership


@receiver([post_save, post_delete], sender=Alliance, dispatch_uid="alliances-cache-alliance")
@receiver([post_save, post_delete], sender=AllianceMechanism, dispatch_uid="alliances-cache-mechanism")
@receiver([post_save, post_delete], sender=Agency, dispatch_uid="alliances-cache-agency")
@receiver([post_save, post_delete], sender=Membership, dispatch_uid="alliances-cache-membership")
def public_alliance_data_changed(**kwargs):
    invalidate_public_pages()
