"""Compute the supported evidence rating of the programmes that exist before this feature."""

from django.db import migrations


def compute_ratings(apps, schema_editor):
    # The rules are pure functions over plain records, so they run on historical models too.
    from catalogue.evidence import StudyRecord, assess_studies

    Programme = apps.get_model("catalogue", "Programme")
    for programme in Programme.objects.prefetch_related("studies__findings__outcome"):
        records = [StudyRecord.from_model(study) for study in programme.studies.all()]
        rating = assess_studies(records).rating
        Programme.objects.filter(pk=programme.pk).update(computed_evidence_rating=rating)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_evidence_computed_fields")]

    operations = [migrations.RunPython(compute_ratings, migrations.RunPython.noop)]
