"""``makemessages`` that also reads ``gettext_lazy`` imported as ``_lazy`` (beside ``gettext as _`` in one
module), which xgettext does not know by that name: without this, those messages were never extracted
and stayed Chinese on English pages."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
