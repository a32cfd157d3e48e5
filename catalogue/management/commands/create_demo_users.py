"""Create the local demo accounts that `make run` prints. Refuses to run with DEBUG off."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

DEMO_ACCOUNTS = [
    # (username, password, description)
    ("analyst", "analyst-demo", "a demo analyst"),
]


class Command(BaseCommand):
    help = "Create demo accounts for a local run (DEBUG only). Safe to run repeatedly."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="Port the local server will listen on.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts exist only for local runs: DEBUG is off, so none were created.")
        user_model = get_user_model()
        permissions = Permission.objects.filter(content_type__app_label__in=["catalogue", "reviews"])
        for username, password, description in DEMO_ACCOUNTS:
            user, _ = user_model.objects.get_or_create(username=username)
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.user_permissions.set(permissions)
            self.stdout.write(
                f"Admin: http://127.0.0.1:{options['port']}/admin/ as {description}: "
                f"username {username!r}, password {password!r} (local only)."
            )
