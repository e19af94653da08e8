"""``makemessages`` that also finds the messages worded through :mod:`deltawatch.i18n`.

The commands, the importer and the index engine keep their Chinese msgids in tables and word
them with ``word``/``pword``/``nword`` (the library cannot use Django's gettext); xgettext knows
those names only when told, and would otherwise drop their entries from django.po as obsolete.
Django documents this override for adding xgettext options.
"""

from django.core.management.commands import makemessages

from deltawatch.i18n import XGETTEXT_OPTIONS


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, *XGETTEXT_OPTIONS]
