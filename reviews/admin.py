"""The analysts' workspace for reviews: a review with its included studies, each study's risk of bias,
and analyses with their per-study rows, recomputed and plotted as soon as they are saved."""

from django.contrib import admin, messages
from django.db.models import Count, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from catalogue.admin.base import RECORD_FIELDSET, RecordedAdmin
from catalogue.admin.workflow import ChangeNoteForm, PublicationEventInline, WorkflowAdminMixin

from .models import BIAS_DOMAIN_ORDER, Analysis, AnalysisRow, IncludedStudy, Review, ReviewPublicationEvent, RiskOfBias


# --------------------------------------------------------------------------- review
class IncludedStudyInline(admin.TabularInline):
    model = IncludedStudy
    extra = 0
    fields = ["order", "study", "label", "comparison", "participants", "risk_of_bias_link"]
    readonly_fields = ["risk_of_bias_link"]
    autocomplete_fields = ["study"]
    show_change_link = True

    @admin.display(description="risk of bias")
    def risk_of_bias_link(self, obj):
        if obj.pk is None:
            return "Save first, then judge its risk of bias."
        url = reverse("admin:reviews_includedstudy_change", args=[obj.pk])
        judged = len(obj.risk_of_bias.all())
        return format_html('<a href="{}">{} of 7 domains judged</a>', url, judged)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("study").prefetch_related("risk_of_bias")


class AnalysisRowLinkInline(admin.TabularInline):
    """Analyses listed on the review form; each links to its own form for study rows."""

    model = Analysis
    extra = 0
    fields = ["order", "number", "outcome", "comparison", "time_point", "effect_measure", "model", "edit_link"]
    readonly_fields = ["edit_link"]
    show_change_link = True

    @admin.display(description="results and study rows")
    def edit_link(self, obj):
        if obj.pk is None:
            return "Save first, then enter the results."
        return format_html('<a href="{}">Edit analysis</a>', reverse("admin:reviews_analysis_change", args=[obj.pk]))


class ReviewPublicationEventInline(PublicationEventInline):
    """The review's publication log, read-only: publisher decisions are made with the buttons."""

    model = ReviewPublicationEvent
    fields = readonly_fields = ["published_at", "kind", "published_by", "change_note"]


class ReviewChangeNoteForm(ChangeNoteForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_note"].help_text = (
            "Recorded with the decision in the review's publication log, e.g. \"Updated to the 2023 version, "
            'which adds four trials".'
        )


@admin.register(Review)
class ReviewAdmin(WorkflowAdminMixin, RecordedAdmin):
    """Status moves only through the workflow buttons and actions (catalogue/workflow.py); edits to a
    published review are live, as its change form says."""

    change_form_template = "admin/reviews/review/change_form.html"
    event_inline = ReviewPublicationEventInline
    change_note_form = ReviewChangeNoteForm
    list_display = ["short_citation", "title", "kind", "year", "status", "included_count", "analysis_count"]
    list_filter = ["status", "kind", "is_demonstration", "year", "collections"]
    search_fields = ["title", "short_citation", "authors", "question", "summary"]
    prepopulated_fields = {"slug": ["short_citation"]}
    autocomplete_fields = ["programmes", "collections", "reviews_summarised"]
    inlines = [IncludedStudyInline, AnalysisRowLinkInline]
    readonly_fields = ["risk_of_bias_summary"]
    fieldsets = [
        (
            "Citation",
            {"fields": ["title", "slug", "short_citation", "authors", "year", "kind", "source", "doi", "url"]},
        ),
        ("Question and search", {"fields": ["question", "search_date", "search_note"]}),
        ("What it found", {"fields": [("records_screened", "studies_included", "participants")]}),
        ("In our own words", {"fields": ["summary", "key_messages", "conclusions", "is_demonstration"]}),
        ("What it speaks to", {"fields": ["programmes", "collections", "reviews_summarised"]}),
        ("Publication", {"fields": ["status", "published_on"]}),
        (
            "Risk of bias, as the public page shows it",
            {
                "fields": ["risk_of_bias_summary"],
                "description": "Judge each included study by following its link in the table of included studies.",
            },
        ),
        RECORD_FIELDSET,
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.is_public:
            messages.warning(request, f"“{obj.short_citation}” is published: this change is live now.")

    @admin.display(description="summary")
    def risk_of_bias_summary(self, obj):
        if obj is None or obj.pk is None:
            return "Save the review and add its included studies first."
        review = Review.objects.for_detail().get(pk=obj.pk)
        if not review.included_studies.all():
            return "No included studies yet."
        return render_to_string("reviews/_risk_of_bias.html", {"review": review})

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                included_count=Count("included_studies", distinct=True),
                analysis_count=Count("analyses", distinct=True),
            )
        )

    @admin.display(description="studies", ordering="included_count")
    def included_count(self, obj):
        return obj.included_count

    @admin.display(description="analyses", ordering="analysis_count")
    def analysis_count(self, obj):
        return obj.analysis_count


# --------------------------------------------------------------------------- included study
class RiskOfBiasInline(admin.TabularInline):
    model = RiskOfBias
    fields = ["domain", "judgement", "note"]
    max_num = len(BIAS_DOMAIN_ORDER)

    def get_extra(self, request, obj=None, **kwargs):
        judged = obj.risk_of_bias.count() if obj else 0
        return len(BIAS_DOMAIN_ORDER) - judged

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Offer the domains not yet judged, in the tool's order, so the analyst only picks judgements.
        judged = set(obj.risk_of_bias.values_list("domain", flat=True)) if obj else set()
        initial = [{"domain": domain} for domain in BIAS_DOMAIN_ORDER if domain not in judged]

        class WithInitial(formset):
            def __init__(self, *args, **kw):
                kw.setdefault("initial", initial)
                super().__init__(*args, **kw)

        return WithInitial


@admin.register(IncludedStudy)
class IncludedStudyAdmin(RecordedAdmin):
    list_display = ["display_label", "review_citation", "study", "participants"]
    list_filter = ["review"]
    list_select_related = ["review", "study"]
    search_fields = ["label", "study__citation_label", "review__short_citation", "review__title"]
    autocomplete_fields = ["review", "study"]
    inlines = [RiskOfBiasInline]
    fieldsets = [
        (None, {"fields": ["review", "study", "label", "comparison", "participants", "notes", "order"]}),
        RECORD_FIELDSET,
    ]

    @admin.display(description="review", ordering="review__short_citation")
    def review_citation(self, obj):
        return obj.review.short_citation

    @admin.display(description="study ID in the review", ordering="label")
    def display_label(self, obj):
        return obj.display_label


# --------------------------------------------------------------------------- analysis
class AnalysisRowInline(admin.TabularInline):
    model = AnalysisRow
    extra = 1
    fields = [
        "order",
        "label",
        "subgroup",
        "study",
        "events_t",
        "mean_t",
        "sd_t",
        "n_t",
        "events_c",
        "mean_c",
        "sd_c",
        "n_c",
    ]
    autocomplete_fields = ["study"]


@admin.register(Analysis)
class AnalysisAdmin(RecordedAdmin):
    list_display = [
        "__str__",
        "review_citation",
        "effect_measure",
        "model",
        "tau2_estimator",
        "reported_result",
        "recomputed_check",
    ]
    list_filter = ["effect_measure", "model", "method", "tau2_estimator", "hartung_knapp", "review"]
    list_select_related = ["review"]
    search_fields = ["outcome", "comparison", "review__short_citation", "review__title"]
    autocomplete_fields = ["review"]
    inlines = [AnalysisRowInline]
    readonly_fields = ["recomputed_result"]
    fieldsets = [
        (
            "What was pooled",
            {
                "fields": [
                    "review",
                    ("number", "order"),
                    "outcome",
                    ("comparison", "time_point"),
                    ("effect_measure", "model", "method"),
                    ("tau2_estimator", "hartung_knapp"),
                    "favourable",
                    ("studies_count", "participants"),
                ]
            },
        ),
        (
            "Pooled result as reported",
            {
                "fields": [
                    ("reported_estimate", "reported_ci_low", "reported_ci_high", "reported_decimals"),
                    "reported_p",
                    ("reported_chi2", "reported_df", "reported_heterogeneity_p"),
                    ("reported_tau2", "reported_i2"),
                    "source_location",
                    "notes",
                ]
            },
        ),
        (
            "Recomputed from the study rows below",
            {
                "fields": ["recomputed_result"],
                "description": "Enter each study's data in the rows below and save: the pooled result is "
                "recomputed and compared with the reported one.",
            },
        ),
        RECORD_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(Prefetch("rows", queryset=AnalysisRow.objects.all()))

    @admin.display(description="review", ordering="review__short_citation")
    def review_citation(self, obj):
        return obj.review.short_citation

    @admin.display(description="reported")
    def reported_result(self, obj):
        if obj.reported_estimate is None:
            return "–"
        return f"{obj.reported_estimate:f} [{obj.reported_ci_low}, {obj.reported_ci_high}]".replace("None", "?")

    @admin.display(description="recomputed")
    def recomputed_check(self, obj):
        result = obj.recomputation
        if result.error:
            return "Cannot recompute"
        if not result.available:
            return "No study rows"
        if not result.compared:
            return "Recomputed (nothing reported to compare)"
        return "Matches" if result.agrees else f"⚠ Differs: {', '.join(d.name for d in result.discrepancies)}"

    @admin.display(description="recomputed result")
    def recomputed_result(self, obj):
        if obj is None or obj.pk is None:
            return "Save the analysis with its study rows to see the recomputed result and forest plot."
        result = obj.recomputation
        if result.error:
            return format_html("<strong>⚠ Cannot recompute:</strong> {}", result.error)
        if not result.available:
            return "No study rows yet: add them below and save."
        return render_to_string("reviews/admin_recomputation.html", {"analysis": obj})
