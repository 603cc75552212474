"""makemessages without fuzzy matching: a guessed translation of a new string (msgmerge's fuzzy
match) is usually wrong in Chinese, so every new msgid arrives untranslated and the completeness test
asks for it."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = ["-q", "--backup=none", "--previous", "--update", "--no-fuzzy-matching"]
