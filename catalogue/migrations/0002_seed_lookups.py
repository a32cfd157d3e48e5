"""Seed the lookups analysts pick from. Analysts can add more rows in the admin.

update_or_create keyed on slug, so running it over existing rows changes nothing and
the fixtures can refer to these rows by slug (natural key).
"""

from django.db import migrations

AGE_GROUPS = [
    ("antenatal", "Antenatal"),
    ("infants", "Infants (under 1)"),
    ("toddlers", "Toddlers (1 to 2)"),
    ("preschool", "Preschool (3 to 4)"),
    ("primary-school", "Primary school (5 to 11)"),
    ("secondary-school", "Secondary school (11 to 16)"),
    ("young-people", "Young people (16 and over)"),
]

LEVELS_OF_NEED = [
    ("universal", "Universal"),
    ("targeted-selective", "Targeted selective"),
    ("targeted-indicated", "Targeted indicated"),
]

DELIVERY_MODELS = [
    ("individual", "Individual"),
    ("group", "Group"),
    ("home-visiting", "Home visiting"),
    ("online", "Online or digital"),
]

SETTINGS = [
    ("home", "Home"),
    ("childrens-centre", "Children's centre or early-years setting"),
    ("primary-care", "Primary care"),
    ("hospital", "Hospital"),
    ("outpatient-health", "Outpatient health setting"),
    ("community", "Community centre"),
    ("school", "School"),
    ("other", "Other"),
]

COUNTRIES = [
    ("united-kingdom", "United Kingdom"),
    ("united-states", "United States"),
    ("ireland", "Ireland"),
    ("canada", "Canada"),
    ("australia", "Australia"),
    ("new-zealand", "New Zealand"),
    ("netherlands", "Netherlands"),
    ("sweden", "Sweden"),
    ("switzerland", "Switzerland"),
    ("norway", "Norway"),
    ("denmark", "Denmark"),
    ("germany", "Germany"),
    ("france", "France"),
    ("israel", "Israel"),
]

LOOKUPS = {
    "AgeGroup": AGE_GROUPS,
    "LevelOfNeed": LEVELS_OF_NEED,
    "DeliveryModel": DELIVERY_MODELS,
    "Setting": SETTINGS,
    "Country": COUNTRIES,
}


def seed(apps, schema_editor):
    for model_name, rows in LOOKUPS.items():
        model = apps.get_model("catalogue", model_name)
        for order, (slug, name) in enumerate(rows, start=1):
            model.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


def unseed(apps, schema_editor):
    for model_name, rows in LOOKUPS.items():
        model = apps.get_model("catalogue", model_name)
        model.objects.filter(slug__in=[slug for slug, _ in rows], programmes__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
