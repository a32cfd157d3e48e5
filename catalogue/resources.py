"""Bulk import and export of studies, publications and findings (django-import-export).

Rows refer to other records by keys an analyst can read: a programme by its slug, a study by
"<programme slug>/<study number>" (or its citation label for a study only a review cites), an
outcome by its slug, countries by their slugs. Every row is validated by the model's
full_clean(), the same rules (and constraint messages) as the admin forms, and a file with any
invalid row imports nothing. Columns are described in docs/data-dictionary.md; templates with
one example row are in static/import-templates/.
"""

import math
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, MultipleObjectsReturned, ObjectDoesNotExist, ValidationError
from django.utils.formats import sanitize_separators
from import_export import fields, resources, widgets

from .models import Country, Finding, Outcome, Programme, Publication, Study
from .permissions import PUBLISHER_ONLY_EVIDENCE, may_change
from .services import refresh_derived_data


class KeyWidget(widgets.ForeignKeyWidget):
    """A foreign key by a readable key; an unknown key is a row error naming the key, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(f"No {self.model._meta.verbose_name} “{value}”.") from None


class StudyKeyWidget(widgets.ForeignKeyWidget):
    """A study as "<programme slug>/<number>", or by citation label when it has no programme."""

    def __init__(self):
        super().__init__(Study)

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        slug, _, number = value.rpartition("/")
        try:
            if slug and number.isdigit():
                return Study.objects.get(programme__slug=slug, number=int(number))
            return Study.objects.get(citation_label=value)
        except Study.DoesNotExist:
            raise ValueError(f"No study “{value}”: use <programme slug>/<study number>, e.g. vig/1.") from None
        except MultipleObjectsReturned:
            raise ValueError(f"Several studies are labelled “{value}”: use <programme slug>/<number>.") from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if value.programme_id and value.number:
            return f"{value.programme.slug}/{value.number}"
        return value.citation_label


class SlugsWidget(widgets.ManyToManyWidget):
    """Related records by slugs separated by ";"; an unknown slug is a row error, never dropped."""

    LISTED = 20  # slugs named in the error, so a long list stays readable

    def __init__(self, model):
        super().__init__(model, separator=";", field="slug")

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row=row, **kwargs)
        if isinstance(value, str):
            wanted = [slug.strip() for slug in value.split(self.separator) if slug.strip()]
            unknown = sorted(set(wanted) - {obj.slug for obj in found})
            if unknown:
                raise ValueError(self._unknown_message(unknown))
        return found

    def _unknown_message(self, unknown: list[str]) -> str:
        name = self.model._meta.verbose_name
        quoted = ", ".join(f"“{slug}”" for slug in unknown)
        which = f"no {name} with slug {quoted}" if len(unknown) == 1 else f"no {name} with slugs {quoted}"
        known = list(self.model.objects.order_by("slug").values_list("slug", flat=True)[: self.LISTED + 1])
        if not known:
            return f"{which}; add it in the admin first (there are none yet)."
        listed = ", ".join(known[: self.LISTED]) + (", …" if len(known) > self.LISTED else "")
        return f"{which}; add it in the admin first or use one of: {listed}."


def _number(value) -> Decimal | None:
    """`value` as a finite Decimal, or None when it is not a number at all ("two", "NaN", "1e999x")."""
    try:
        number = Decimal(str(sanitize_separators(value)).strip())
    except (ArithmeticError, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


# The library's number widgets let Python's own errors through ("[<class 'decimal.ConversionSyntax'>]")
# and its yes/no widget reads any unknown word as "no"; these say what the column expects instead.
class WholeNumberWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        number = _number(value)
        if number is None or number != number.to_integral_value():
            raise ValueError(f"enter a whole number (got “{value}”)")
        return super().clean(value, row=row, **kwargs)


class DecimalNumberWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        if _number(value) is None:
            raise ValueError(f"enter a number, e.g. 0.25 (got “{value}”)")
        return super().clean(value, row=row, **kwargs)


class FloatNumberWidget(widgets.FloatWidget):
    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        if _number(value) is None:
            raise ValueError(f"enter a number, e.g. 12.5 (got “{value}”)")
        number = super().clean(value, row=row, **kwargs)
        if not math.isfinite(number):
            raise ValueError(f"enter a number, e.g. 12.5 (got “{value}”)")
        return number


class YesNoWidget(widgets.BooleanWidget):
    TRUE_WORDS = {"1", "1.0", "true", "yes"}  # "1.0": a spreadsheet's number 1
    FALSE_WORDS = {"0", "0.0", "false", "no"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool) or value is None:
            return value
        word = str(value).strip().lower()
        if word in {"", "none", "null"}:
            return None
        if word in self.TRUE_WORDS:
            return True
        if word in self.FALSE_WORDS:
            return False
        raise ValueError(f"enter 1 for yes or 0 for no, or leave it empty for unknown (got “{value}”)")


def programme_id_of(obj) -> int | None:
    """The programme whose page shows `obj` (a study, publication or finding), if any."""
    if obj is None:
        return None
    study = obj if isinstance(obj, Study) else getattr(obj, "study", None)
    return getattr(study, "programme_id", None)


class CatalogueResource(resources.ModelResource):
    """Shared rules: whole-file transactions, model validation per row, all-or-nothing."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        **{
            name: WholeNumberWidget
            for name, widget in resources.ModelResource.WIDGETS_MAP.items()
            if widget is widgets.IntegerWidget
        },
        "DecimalField": DecimalNumberWidget,
        "FloatField": FloatNumberWidget,
        "BooleanField": YesNoWidget,
        "NullBooleanField": YesNoWidget,
    }

    def import_instance(self, instance, row, **kwargs):
        """Each column's value onto `instance`; a value the column cannot read is an error naming
        the row and the column, e.g. 'Row 2, column "number": enter a whole number (got "two")'."""
        errors = {}
        for field in self.get_import_fields():
            try:
                if isinstance(field.widget, widgets.ManyToManyWidget):
                    # Saved after the row (save_m2m); read now so an unknown slug fails the row first.
                    if field.column_name in row:
                        field.clean(row)
                    continue
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                prefix = f"Row {kwargs['row_number']}, " if kwargs.get("row_number") else ""
                message = f"{prefix}column “{field.column_name}”: {error}"
                errors[field.attribute] = ValidationError(message[0].upper() + message[1:], code="invalid")
        if errors:
            raise ValidationError(errors)

    def import_data(self, dataset, **kwargs):
        # The admin's confirm step does not ask for this; without it a re-posted confirm of a
        # file with an invalid row would write the valid rows.
        kwargs["rollback_on_validation_errors"] = True
        # Who imports decides whether rows may touch a published programme's page (see validate_instance).
        self.importing_user = kwargs.get("user")
        return super().import_data(dataset, **kwargs)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # an unknown key: reported as that column's error when the row is imported

    # The import is a write path like the admin: the programmes whose studies or findings a file
    # touched get their search text and computed rating refreshed, inside the import's transaction.
    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.touched_programme_ids = set()

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        stored = type(instance)._base_manager.filter(pk=instance.pk).first() if instance.pk else None
        self.touched_programme_ids.add(programme_id_of(stored))  # a row may move evidence off a programme

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self.touched_programme_ids.add(programme_id_of(instance))

    def before_delete_instance(self, instance, row, **kwargs):
        super().before_delete_instance(instance, row, **kwargs)
        self.touched_programme_ids.add(programme_id_of(instance))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not result.has_errors() and not result.has_validation_errors():
            refresh_derived_data(programme_ids=self.touched_programme_ids)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's full_clean(), as the admin form runs it, plus the publisher-only evidence rule."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=set(errors), validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # The admin's rule for imports too: only a publisher changes evidence on a published page,
        # whether the row edits such evidence or would move evidence onto or off such a page.
        stored = type(instance)._base_manager.filter(pk=instance.pk).first() if instance.pk else None
        if not may_change(getattr(self, "importing_user", None), instance, stored):
            errors.setdefault(NON_FIELD_ERRORS, []).append(PUBLISHER_ONLY_EVIDENCE)
        if errors:
            raise ValidationError(errors)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True


class StudyResource(CatalogueResource):
    programme = fields.Field("programme", "programme", KeyWidget(Programme, "slug"))
    countries = fields.Field("countries", "countries", SlugsWidget(Country))

    class Meta(CatalogueResource.Meta):
        model = Study
        fields = [
            "programme",
            "number",
            "citation_label",
            "year",
            "design",
            "rating",
            "countries",
            "sample_size",
            "sample_description",
            "timing",
            "longest_follow_up_months",
            "rigorously_conducted",
            "measures_independent",
            "independent_of_developer",
            "design_narrative",
            "sample_narrative",
            "measures_text",
            "findings_text",
        ]
        import_id_fields = ["programme", "number"]

    def get_instance(self, instance_loader, row):
        """A study on a programme is found by (programme, number); a review-only study by its label."""
        try:
            programme = self.fields["programme"].clean(row)
            number = self.fields["number"].clean(row)
        except (KeyError, ValueError):
            return None  # reported as a field error when the row is imported
        if programme is not None and number is not None:
            return Study.objects.filter(programme=programme, number=number).first()
        label = (row.get("citation_label") or "").strip()
        if programme is None and label:
            return Study.objects.filter(programme=None, citation_label=label).first()
        return None


class PublicationResource(CatalogueResource):
    study = fields.Field("study", "study", StudyKeyWidget())

    class Meta(CatalogueResource.Meta):
        model = Publication
        fields = ["study", "authors", "year", "title", "journal", "volume", "issue", "pages", "doi", "url", "order"]
        # A paper is the same paper if it has the same title in the same study.
        import_id_fields = ["study", "title"]


class FindingResource(CatalogueResource):
    study = fields.Field("study", "study", StudyKeyWidget())
    outcome = fields.Field("outcome", "outcome", KeyWidget(Outcome, "slug"))

    class Meta(CatalogueResource.Meta):
        model = Finding
        # Findings have no natural key: a blank id adds a finding, an exported id updates it.
        fields = [
            "id",
            "study",
            "outcome",
            "outcome_label",
            "measure",
            "reporter",
            "timing",
            "months_after_end",
            "statement",
            "significant",
            "direction",
            "is_headline",
            "order",
            "effect_size_type",
            "effect_size",
            "ci_low",
            "ci_high",
            "improvement_index",
            "reported_effect_size",
            "lower_is_better",
            "mean_t",
            "sd_t",
            "n_t",
            "mean_c",
            "sd_c",
            "n_c",
            "events_t",
            "events_c",
        ]
        import_id_fields = ["id"]
