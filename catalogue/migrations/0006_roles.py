"""Create the analyst and publisher groups. Later migrations (e.g. the reviews app's) call
grant_role_permissions() again so the groups cover their models too."""

from django.db import migrations


def grant(apps, schema_editor):
    from catalogue.roles import grant_role_permissions

    grant_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalogue", "0005_history_revisions_publication_events"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
