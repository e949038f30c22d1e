"""File storage for what only a permission check may hand out (lead evidence)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateFileStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT``, a directory no URL maps to.

    There is deliberately no public address: ``url()`` refuses, so a template or serializer that tries to
    link a file directly fails loudly instead of printing a path a web server might one day serve.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("directory_permissions_mode", 0o750)
        kwargs.setdefault("file_permissions_mode", 0o640)
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("private files have no URL; they are served through a view that checks permissions")


def private_storage():
    """The storage of lead attachments (a callable, so that tests' settings overrides reach it)."""
    return storages["private"]
