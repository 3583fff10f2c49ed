"""``makemessages`` that also extracts ``N_("…")`` — the short name under which services import
``gettext_noop`` for texts they store (``core.texts``) and translate only when read."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
