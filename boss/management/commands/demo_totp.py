"""`manage.py demo_totp account1`: the current MFA code of a demo user (demo deployments only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo user (DEBUG or BOSS_DEMO_DEPLOYMENT only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        from django_otp.oath import totp

        from boss.demo import USERS, demo_totp_key

        if not (settings.DEBUG or settings.BOSS_DEMO_DEPLOYMENT):
            raise CommandError("Only for a demonstration (DEBUG or BOSS_DEMO_DEPLOYMENT).")
        if username not in {u[0] for u in USERS}:
            raise CommandError(f"{username} is not a demo user.")
        self.stdout.write(f"{totp(bytes.fromhex(demo_totp_key(username))):06d}")
