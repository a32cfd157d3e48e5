"""Bulk import and export of studies, publications, findings and clearinghouse ratings (django-import-export).

Rows refer to other records by keys an analyst can read: a programme by its slug, a study by
"<programme slug>/<study number>" (or its citation label for a study only a review cites), an
outcome by its slug, countries by their slugs. Every row is validated by the model's
full_clean(), the same rules (and constraint messages) as the admin forms, and a file with any
invalid row imports nothing. Columns are described in docs/data-dictionary.md; templates with
one example row are in static/import-templates/.
"""

import math
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, MultipleObjectsReturned, ObjectDoesNotExist, ValidationError
from django.db import models as db_models
from django.utils.formats import sanitize_separators
from import_export import fields, resources, results, widgets

from .models import (
    Clearinghouse,
    ClearinghouseGrade,
    ClearinghouseRating,
    Country,
    Finding,
    Outcome,
    Programme,
    Publication,
    Study,
)
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


class TextWidget(widgets.CharWidget):
    """Text as typed, minus control characters a spreadsheet can carry but a page cannot show:
    NUL, which PostgreSQL refuses outright, and the rest of Unicode's "C" categories. Line breaks
    and tabs stay."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row=row, **kwargs)
        if text is None or text.isprintable():
            return text
        return "".join(ch for ch in text if ch in "\n\r\t" or not unicodedata.category(ch).startswith("C"))


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


class ImportFileProblem(Exception):
    """Something wrong with the file as a whole (its header row): shown as a message, never a traceback."""


class FileProblemError(results.Error):
    """The import page's base error, without a traceback for problems the message explains in full."""

    @property
    def traceback(self):
        if isinstance(self.error, ImportFileProblem):
            return ""
        return super().traceback


def normalise_header(value) -> str:
    """A header cell as a column name: "Programme " and "programme" are the same column."""
    return "" if value is None else str(value).strip().lower()


def key_part(value) -> str:
    """A key cell as text, so 1, 1.0 and " 1 " (Excel's number, a CSV's text) are the same key."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def programme_id_of(obj) -> int | None:
    """The programme whose page shows `obj` (a study, publication, finding or clearinghouse rating), if any."""
    if obj is None:
        return None
    if isinstance(obj, ClearinghouseRating):
        return obj.programme_id
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
        # The library reads a TextField through the plain widget, so an empty Excel cell became
        # NULL and the database refused the row; text columns are text, empty when blank.
        "CharField": TextWidget,
        "TextField": TextWidget,
    }

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        """A blank cell in any text column is empty text, as the admin form saves it (never NULL);
        a required column then fails the model's own "cannot be blank" check, naming the column."""
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, db_models.CharField | db_models.TextField) and not django_field.null:
            kwargs.update({"coerce_to_string": True, "allow_blank": True})
        return kwargs

    def get_error_result_class(self):
        return FileProblemError

    def template_name(self) -> str:
        return f"static/import-templates/{self._meta.model._meta.model_name}.csv"

    def check_size(self, dataset, max_rows):
        """The admin previews every row in one request: a file longer than that can show in reasonable
        time is refused with the way round it (`import_rows` passes max_rows=None)."""
        if max_rows is not None and len(dataset) > max_rows:
            raise ImportFileProblem(
                f"The file has {len(dataset):,} rows; the admin imports at most {max_rows:,} at a time. Split "
                "it, or load it on the server with `manage.py import_rows` (see docs/deployment.md)."
            )

    def check_headers(self, dataset):
        """The header row names known columns and every key column; "Programme " reads as "programme".

        A typo would otherwise leave a column silently unread, or fail deep in the library.
        """
        headers = [normalise_header(header) for header in dataset.headers or []]
        known = [field.column_name for field in self.get_import_fields()]
        expected = f"The columns are: {', '.join(known)} (see {self.template_name()})."
        if not any(headers):
            raise ImportFileProblem(f"The first row must name the columns; it has no column names. {expected}")
        unknown = [header for header in headers if header and header not in known]
        if unknown:
            quoted = ", ".join(f"“{header}”" for header in unknown)
            raise ImportFileProblem(f"Unknown column {quoted} in the header row: check the spelling. {expected}")
        repeated = sorted({header for header in headers if header and headers.count(header) > 1})
        if repeated:
            quoted = ", ".join(f"“{header}”" for header in repeated)
            raise ImportFileProblem(f"The header row names column {quoted} more than once. {expected}")
        missing = [self.fields[name].column_name for name in self.get_import_id_fields() if name != "id"]
        missing = [column for column in missing if column not in headers]
        if missing:
            quoted = " and ".join(f"“{column}”" for column in missing)
            raise ImportFileProblem(f"The file has no {quoted} column: rows are matched by it. {expected}")
        dataset.headers = headers

    def row_key(self, row) -> tuple | None:
        """What identifies the record a row writes (its import_id_fields), or None for a new record
        that nothing identifies yet (a finding with a blank id)."""
        parts = tuple(key_part(row.get(self.fields[name].column_name)) for name in self.get_import_id_fields())
        return parts if all(parts) else None

    def key_columns(self) -> list[str]:
        return [self.fields[name].column_name for name in self.get_import_id_fields()]

    def check_duplicate(self, row, row_number):
        """Two rows for one record would merge silently (the second wins): an error naming both rows."""
        key = self.row_key(row)
        if key is None or row_number is None:
            return None
        first = self.rows_by_key.setdefault(key, row_number)
        if first == row_number:
            return None
        columns = self.key_columns()
        if len(columns) != len(key):  # a key of another shape (a study's citation label)
            columns = ["citation_label"]
        described = " and ".join(f"{column} “{value}”" for column, value in zip(columns, key, strict=True))
        name = self._meta.model._meta.verbose_name
        return ValidationError(
            f"Rows {first} and {row_number} both have {described}: a file may hold each {name} once "
            f"(otherwise row {row_number} would silently replace row {first}). Merge them or correct one.",
            code="duplicate",
        )

    def import_instance(self, instance, row, **kwargs):
        """Each column's value onto `instance`; a value the column cannot read is an error naming
        the row and the column, e.g. 'Row 2, column "number": enter a whole number (got "two")'."""
        errors = {}
        duplicate = self.check_duplicate(row, kwargs.get("row_number"))
        if duplicate is not None:
            errors[self.fields[self.get_import_id_fields()[0]].attribute] = duplicate
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
        self.touched_programme_ids = set()
        self.rows_by_key = {}
        super().before_import(dataset, **kwargs)
        try:
            self.check_size(dataset, kwargs.get("max_rows", settings.IMPORT_MAX_ROWS))
            self.check_headers(dataset)
        except ImportFileProblem:
            # Nothing below the header can be read with confidence: report the header alone.
            del dataset[:]
            raise

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

    def row_key(self, row):
        """A study on a programme by (programme, number); a review-only study by its citation label."""
        programme, number = key_part(row.get("programme")), key_part(row.get("number"))
        if programme:
            return (programme, number) if number else None
        label = key_part(row.get("citation_label"))
        return (label,) if label else None

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
        fields = [
            "study",
            "authors",
            "year",
            "title",
            "journal",
            "volume",
            "issue",
            "pages",
            "doi",
            "url",
            "order",
            "note",
        ]
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


class ClearinghouseColumn(fields.Field):
    """The rating's clearinghouse by slug: checked on import, and read by GradeWidget to find the grade
    on that clearinghouse's scale; the rating itself stores only the grade (which names its clearinghouse)."""

    def __init__(self):
        super().__init__(attribute="grade__clearinghouse__slug", column_name="clearinghouse")

    def save(self, instance, row, is_m2m=False, **kwargs):
        slug = key_part(row.get(self.column_name))
        if not Clearinghouse.objects.filter(slug=slug).exists():
            known = ", ".join(f"“{c}”" for c in Clearinghouse.objects.values_list("slug", flat=True))
            raise ValueError(f"No clearinghouse “{slug}”: use one of {known or 'those added in the admin first'}.")


class GradeWidget(widgets.ForeignKeyWidget):
    """A grade by its label on the row's clearinghouse's scale: a grade of another scale is a row error."""

    def __init__(self):
        super().__init__(ClearinghouseGrade)

    def clean(self, value, row=None, **kwargs):
        label = key_part(value)
        slug = key_part((row or {}).get("clearinghouse"))
        if not label:
            return None
        grades = ClearinghouseGrade.objects.filter(clearinghouse__slug=slug)
        grade = grades.filter(label__iexact=label).first()
        if grade is None:
            scale = ", ".join(f"“{g}”" for g in grades.order_by("rank").values_list("label", flat=True))
            where = f"the scale of “{slug}”: use one of {scale}" if scale else f"any scale of a clearinghouse “{slug}”"
            raise ValueError(f"“{label}” is not a grade on {where}.")
        return grade

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.label


class ClearinghouseRatingResource(CatalogueResource):
    programme = fields.Field("programme", "programme", KeyWidget(Programme, "slug"))
    clearinghouse = ClearinghouseColumn()
    grade = fields.Field("grade", "grade", GradeWidget())

    class Meta(CatalogueResource.Meta):
        model = ClearinghouseRating
        fields = [
            "programme",
            "clearinghouse",
            "grade",
            "applies_to",
            "rated_on",
            "source_title",
            "source_url",
            "source_read_on",
            "order",
        ]
        # One clearinghouse grade per programme and outcome or population (the model's unique rule).
        import_id_fields = ["programme", "grade", "applies_to"]
