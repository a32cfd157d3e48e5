"""Create (or update) a staff user in an editorial role: `manage.py create_user ana --role analyst`."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalogue.roles import ROLES


class Command(BaseCommand):
    help = "Create a staff user in the analyst or publisher role. Prompts for the password unless --password is given."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES, help="analyst or publisher.")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Avoid on shared machines: it stays in the shell history.")

    def handle(self, *args, username, role, email, password, **options):
        try:
            group = Group.objects.get(name=role)
        except Group.DoesNotExist:
            raise CommandError(f"The {role} group does not exist yet: run `manage.py migrate` first.") from None
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first() or user_model(username=username)
        if password is None:
            if not sys.stdin.isatty():
                raise CommandError("Give --password, or run the command in a terminal to be asked for one.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.email = email or user.email
        user.is_staff = True
        user.set_password(password)
        user.save()
        # One role at a time: moving someone to publisher takes them out of analyst, and back.
        user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=group.pk))
        user.groups.add(group)
        self.stdout.write(f"{username} is now a staff user in the {role} role.")
