"""Create the local demo accounts that `make run` prints, one per editorial role. Refuses to run with DEBUG off."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from catalogue.roles import ANALYST, PUBLISHER, ROLES

DEMO_ACCOUNTS = [
    # (username, password, role, description)
    ("analyst", "analyst-demo", ANALYST, "a demo analyst (edits, imports, submits for review)"),
    ("publisher", "publisher-demo", PUBLISHER, "a demo publisher (also publishes, archives, deletes)"),
]


class Command(BaseCommand):
    help = "Create demo accounts for a local run (DEBUG only). Safe to run repeatedly."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="Port the local server will listen on.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts exist only for local runs: DEBUG is off, so none were created.")
        user_model = get_user_model()
        for username, password, role, description in DEMO_ACCOUNTS:
            group = Group.objects.filter(name=role).first()
            if group is None:
                raise CommandError(f"The {role} group does not exist yet: run `manage.py migrate` first.")
            user, _ = user_model.objects.get_or_create(username=username)
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.user_permissions.clear()  # the role gives the permissions
            user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=group.pk))
            user.groups.add(group)
            self.stdout.write(
                f"Admin: http://127.0.0.1:{options['port']}/admin/ as {description}: "
                f"username {username!r}, password {password!r} (local only)."
            )
