"""Computed evidence in the admin: read-only effect sizes, explained; the supported rating beside
the published one; the cost band set from the unit cost.

The rating is recomputed by `services.refresh_derived_data`, which every entry point calls once a
write is done (in the admin: `base.RefreshesDerivedDataAdmin`); nothing here writes derived data.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from ..effects import finding_consistency_warnings
from ..models import Finding, Programme

NOTE_LABEL = Programme._meta.get_field("rating_difference_note").verbose_name.capitalize()
COMPUTED_EFFECT_FIELDS = ("effect_size_type", "effect_size", "ci_low", "ci_high", "improvement_index")


class FindingAdminForm(forms.ModelForm):
    """A finding form whose computed numbers cannot be typed over.

    Disabled fields keep their saved value whatever is posted, and work the same in the
    finding's own form and in the study's inline (where readonly_fields cannot vary by row).
    """

    class Meta:
        model = Finding
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk is None:
            return
        if instance.effect_is_computed:
            locked = COMPUTED_EFFECT_FIELDS
        elif instance.effect_size is not None:
            locked = ("improvement_index",)
        else:
            locked = ()
        for name in locked:
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Computed: see “How it was computed”. Change the data it comes from."


def effect_explanation(finding: Finding) -> str:
    """The source and formula of a finding's effect size, for a read-only admin field."""
    if not finding.effect_source:
        return "Nothing to compute yet: enter raw group data, or a published effect size or improvement index."
    return format_html("<strong>{}.</strong> {}", finding.get_effect_source_display(), finding.effect_formula)


def warn_if_typed_values_replaced(request, finding: Finding, typed: dict) -> None:
    """Tell the analyst when a number they typed was replaced by the computed one."""
    replaced = [
        f"{Finding._meta.get_field(name).verbose_name} {typed[name]} → {getattr(finding, name)}"
        for name in ("effect_size", "improvement_index")
        if typed.get(name) is not None and typed[name] != getattr(finding, name)
    ]
    if replaced:
        message = (
            f"{finding}: computed values were kept instead of the typed ones ({'; '.join(replaced)}): they follow "
            "the raw data or the effect size. To enter published values instead, clear the raw data."
        )
        messages.warning(request, message)


def warn_if_labels_contradict_numbers(request, finding: Finding) -> None:
    """Tell the analyst when "significant" or the direction disagrees with the saved effect size and CI."""
    for warning in finding_consistency_warnings(
        significant=finding.significant,
        direction=finding.direction,
        effect_size=finding.effect_size,
        ci_low=finding.ci_low,
        ci_high=finding.ci_high,
    ):
        messages.warning(request, f"{finding}: {warning}")


class FindingEvidenceAdminMixin:
    """For FindingAdmin: computed values read-only, explained, and the programme's rating kept current."""

    form = FindingAdminForm

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "how_computed")

    @admin.display(description="how it was computed")
    def how_computed(self, obj):
        return effect_explanation(obj)

    def save_model(self, request, obj, form, change):
        typed = {name: form.cleaned_data.get(name) for name in ("effect_size", "improvement_index")}
        super().save_model(request, obj, form, change)
        warn_if_typed_values_replaced(request, obj, typed)
        warn_if_labels_contradict_numbers(request, obj)


class FindingInlineEvidenceMixin:
    """For the study form's finding inline: the same read-only computed values and explanation."""

    form = FindingAdminForm

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "how_computed")

    @admin.display(description="how it was computed")
    def how_computed(self, obj):
        return effect_explanation(obj) if obj.pk else "Computed when you save."


class StudyEvidenceAdminMixin:
    """For StudyAdmin: warnings when an inline finding's typed values are replaced or contradicted."""

    def save_formset(self, request, form, formset, change):
        typed = [
            (inline_form, {name: inline_form.cleaned_data.get(name) for name in ("effect_size", "improvement_index")})
            for inline_form in formset.forms
            if formset.model is Finding and getattr(inline_form, "cleaned_data", None)
        ]
        super().save_formset(request, form, formset, change)
        for inline_form, values in typed:
            if inline_form.instance.pk:
                warn_if_typed_values_replaced(request, inline_form.instance, values)
                warn_if_labels_contradict_numbers(request, inline_form.instance)


class RatingDisagreesFilter(admin.SimpleListFilter):
    """Programmes whose published rating differs from the one their study records support."""

    title = "published rating vs studies"
    parameter_name = "rating_check"

    def lookups(self, request, model_admin):
        # "No note why": what a publisher cannot publish until the note is written (workflow.require_reproduced_rating).
        return [("disagrees", "Disagrees with the studies"), ("unexplained", "Disagrees, with no note why")]

    def queryset(self, request, queryset):
        if self.value() == "disagrees":
            return queryset.rating_disagrees()
        if self.value() == "unexplained":
            return queryset.rating_disagrees().filter(rating_difference_note="")
        return queryset


class ProgrammeEvidenceAdminMixin:
    """For ProgrammeAdmin: the supported rating beside the published one, and the cost band computed."""

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "supported_rating"]
        if obj is not None and obj.estimated_unit_cost is not None:
            readonly.append("cost_rating")  # the band of the unit cost: change the cost instead
        return readonly

    @admin.display(description="rating the studies support")
    def supported_rating(self, obj):
        if obj is None or obj.pk is None:
            return "Computed from the studies once the programme is saved."
        assessment = obj.assessment
        if not obj.studies.exists():
            return format_html(
                "<p><strong>{}</strong></p><p>{}</p>",
                assessment.rating,
                "No studies are entered for this programme yet, so its records support no rating above NL2. "
                "Add its studies and their findings to see the rating they support.",
            )
        reasons = format_html_join("", "<li>{}</li>", ((reason,) for reason in assessment.reasons))
        needs = format_html_join("", "<li>{}</li>", ((need,) for need in assessment.next_level_needs))
        if obj.evidence_rating and obj.rating_disagrees and not obj.rating_difference_note.strip():
            verdict = format_html(
                '<p class="errornote">Warning: the published rating ({}) differs from the rating the study '
                "records support ({}). Check the study ratings and findings, or write why in “{}” below: "
                "it is shown on the public page, and a publisher cannot publish this rating without it.</p>",
                obj.evidence_rating,
                assessment.rating,
                NOTE_LABEL,
            )
        elif obj.evidence_rating and obj.rating_disagrees:
            verdict = format_html(
                "<p>The published rating ({}) differs from the rating the study records support ({}); the note "
                "below says why, on the public page too.</p>",
                obj.evidence_rating,
                assessment.rating,
            )
        elif obj.evidence_rating and obj.rating_difference_note.strip():
            verdict = format_html(
                "<p>{}</p>",
                f"Agrees with the published rating, so “{NOTE_LABEL}” is not shown on the public page: clear it.",
            )
        elif obj.evidence_rating:
            verdict = format_html("<p>{}</p>", "Agrees with the published rating.")
        else:
            verdict = format_html("<p>{}</p>", "No published rating yet.")
        next_part = (
            format_html("<p>For {}, the studies would need:</p><ul>{}</ul>", assessment.next_level, needs)
            if needs
            else ""
        )
        return format_html("<p><strong>{}</strong></p>{}<ul>{}</ul>{}", assessment.rating, verdict, reasons, next_part)

    @admin.display(description="studies support", ordering="computed_evidence_rating")
    def computed_rating_display(self, obj):
        if not obj.computed_evidence_rating:
            return "–"
        notes = []
        if obj.evidence_rating and obj.evidence_rating != obj.computed_evidence_rating:
            notes.append("differs")
        # NL2 from no records is not a finding about the programme: say that nothing is entered yet.
        if getattr(obj, "study_count", None) == 0:
            notes.append("no studies entered")
        if notes:
            return format_html("{} ({})", obj.computed_evidence_rating, "; ".join(notes))
        return obj.computed_evidence_rating

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.estimated_unit_cost is not None and "cost_rating" in form.changed_data:
            messages.info(request, f"The cost rating is set from the estimated unit cost: {obj.cost_rating_code}.")
