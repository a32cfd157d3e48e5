"""The two editorial roles, as auth groups whose permissions follow from rules, not lists.

- analyst: add, change and view every catalogue and reviews record, import, and delete
  records that are not public (the admin refuses deleting a published programme's evidence
  without the publish permission); cannot delete programmes or publish.
- publisher: everything, including `catalogue.publish_programme` (publish, unpublish,
  archive) and deleting programmes. A published programme itself is never deleted: archive it.

The rules match permissions by app label and codename, so models added later (e.g. the
reviews app's) are covered by running `grant_role_permissions()` again from a migration that
depends on them. It is idempotent: each group's permissions are recomputed from the rules.
"""

from django.apps import apps as global_apps

ANALYST = "analyst"
PUBLISHER = "publisher"
ROLES = (ANALYST, PUBLISHER)
ROLE_APPS = ("catalogue", "reviews")

# Records only a publisher may delete: a programme may be public, and deleting one removes its page.
PUBLISHER_ONLY_DELETE = {"programme", "review"}
# Written by the publishing services, never by hand; history rows are written by simple-history.
READ_ONLY_MODELS = {"publicationevent", "reviewpublicationevent", "pendingrevision"}


def role_allows(role: str, codename: str) -> bool:
    """Whether `role` gets the permission `codename` (of a catalogue or reviews model)."""
    action, _, model = codename.partition("_")
    if model.startswith("historical") or model in READ_ONLY_MODELS:
        return action == "view"
    if role == PUBLISHER:
        return True
    if action in {"add", "change", "view"}:
        return True
    return action == "delete" and model not in PUBLISHER_ONLY_DELETE


def grant_role_permissions(apps=global_apps):
    """Create the analyst and publisher groups and (re)set their permissions from the rules.

    Safe inside a migration (pass the migration's `apps`): the permissions of models migrated
    so far are created first, since Django only creates them after the whole migrate run.
    """
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    present = [label for label in ROLE_APPS if label in {config.label for config in apps.get_app_configs()}]
    for label in present:
        app_config = apps.get_app_config(label)
        # Migration state app configs have no models module; the create functions skip those.
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    permissions = list(permission_model.objects.filter(content_type__app_label__in=present))
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set([p for p in permissions if role_allows(role, p.codename)])
