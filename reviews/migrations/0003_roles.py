"""Extend the analyst and publisher groups (catalogue.roles) to the reviews models."""

from django.db import migrations


def grant(apps, schema_editor):
    from catalogue.roles import grant_role_permissions

    grant_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_publish_permission"),
        ("catalogue", "0006_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
