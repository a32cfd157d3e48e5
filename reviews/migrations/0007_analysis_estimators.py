"""Per-analysis τ² estimator and Hartung–Knapp adjustment, and subgroups on study rows.

Existing analyses were entered from RevMan reviews that report DerSimonian–Laird τ² without
Hartung–Knapp, so the fields are added with default DL (which fills existing rows), then the
field default moves to REML for analyses entered from now on. Reported and recomputed results of
the existing rows stay comparable.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0006_hardening_lengths_ranges_urls'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='analysis',
            name='hartung_knapp',
            field=models.BooleanField(default=False, help_text='Random effects only: widen the confidence interval for the uncertainty in τ² (a t distribution on k − 1 degrees of freedom). Tick it if the review says "Hartung–Knapp", "HKSJ" or "Knapp–Hartung".', verbose_name='Hartung–Knapp (HKSJ) adjustment'),
        ),
        migrations.AddField(
            model_name='analysis',
            name='tau2_estimator',
            field=models.CharField(choices=[('DL', "DerSimonian–Laird (RevMan 5's)"), ('REML', 'Restricted maximum likelihood (REML)'), ('PM', 'Paule–Mandel')], default='DL', help_text='How the between-study variance is estimated for random effects. Choose what the review used (RevMan 5 reviews: DerSimonian–Laird, in the forest plot\'s heading as "IV, Random" with Tau²); REML for our own analyses. Mantel–Haenszel pooling always uses DerSimonian–Laird.', max_length=5, verbose_name='τ² estimator'),
        ),
        migrations.AddField(
            model_name='analysisrow',
            name='subgroup',
            field=models.CharField(blank=True, help_text='The subgroup heading this study sits under in the review\'s forest plot, e.g. "Low-income families". Leave empty when the analysis has no subgroups; rows left empty in an analysis with subgroups are shown together as "Not in a subgroup".', max_length=100),
        ),
        migrations.AddField(
            model_name='historicalanalysis',
            name='hartung_knapp',
            field=models.BooleanField(default=False, help_text='Random effects only: widen the confidence interval for the uncertainty in τ² (a t distribution on k − 1 degrees of freedom). Tick it if the review says "Hartung–Knapp", "HKSJ" or "Knapp–Hartung".', verbose_name='Hartung–Knapp (HKSJ) adjustment'),
        ),
        migrations.AddField(
            model_name='historicalanalysis',
            name='tau2_estimator',
            field=models.CharField(choices=[('DL', "DerSimonian–Laird (RevMan 5's)"), ('REML', 'Restricted maximum likelihood (REML)'), ('PM', 'Paule–Mandel')], default='DL', help_text='How the between-study variance is estimated for random effects. Choose what the review used (RevMan 5 reviews: DerSimonian–Laird, in the forest plot\'s heading as "IV, Random" with Tau²); REML for our own analyses. Mantel–Haenszel pooling always uses DerSimonian–Laird.', max_length=5, verbose_name='τ² estimator'),
        ),
        migrations.AlterField(
            model_name='analysis',
            name='tau2_estimator',
            field=models.CharField(choices=[('DL', "DerSimonian–Laird (RevMan 5's)"), ('REML', 'Restricted maximum likelihood (REML)'), ('PM', 'Paule–Mandel')], default='REML', help_text='How the between-study variance is estimated for random effects. Choose what the review used (RevMan 5 reviews: DerSimonian–Laird, in the forest plot\'s heading as "IV, Random" with Tau²); REML for our own analyses. Mantel–Haenszel pooling always uses DerSimonian–Laird.', max_length=5, verbose_name='τ² estimator'),
        ),
        migrations.AlterField(
            model_name='historicalanalysis',
            name='tau2_estimator',
            field=models.CharField(choices=[('DL', "DerSimonian–Laird (RevMan 5's)"), ('REML', 'Restricted maximum likelihood (REML)'), ('PM', 'Paule–Mandel')], default='REML', help_text='How the between-study variance is estimated for random effects. Choose what the review used (RevMan 5 reviews: DerSimonian–Laird, in the forest plot\'s heading as "IV, Random" with Tau²); REML for our own analyses. Mantel–Haenszel pooling always uses DerSimonian–Laird.', max_length=5, verbose_name='τ² estimator'),
        ),
        migrations.AddConstraint(
            model_name='analysis',
            constraint=models.CheckConstraint(condition=models.Q(('hartung_knapp', False), models.Q(('method', 'IV'), ('model', 'random')), _connector='OR'), name='reviews_analysis_hartung_knapp_needs_random_iv', violation_error_message='The Hartung–Knapp adjustment applies to random-effects, inverse-variance pooling only.'),
        ),
    ]
