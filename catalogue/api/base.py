"""What every API endpoint shares: pages with counts and links, the page's FilterSet as the filter,
ETag and Last-Modified with 304 answers, and a rate limit for anonymous clients."""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware, method_decorator
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, pagination, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.throttling import AnonRateThrottle

from ..filters import SORTS
from ..search import MAX_QUERY_LENGTH
from .querysets import last_catalogue_change

# --------------------------------------------------------------------------- filters


class PageFilterBackend(DjangoFilterBackend):
    """Filters a list with the FilterSet of its public page, so `?min_evidence=3` means the same in both.

    The page drops a value it cannot use and says so in its error summary; the API refuses it instead:
    a 400 whose body names each parameter and why. Only lists are filtered (a detail is fetched by slug).
    A FilterSet without `problems` (a plain django-filter one) answers a bad value with its form errors.
    """

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") != "list":
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        problems = getattr(filterset, "problems", None)
        if problems:
            errors = {}
            for problem in problems:
                errors.setdefault(problem.param, []).append(_api_message(problem, filterset))
            raise ValidationError(errors)
        if problems is None and not filterset.is_valid():
            raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
        return filterset.qs


def _api_message(problem, filterset) -> str:
    """The page's problem, reworded for a 400: nothing was ignored, so say what would work."""
    if not hasattr(filterset, "choices_for"):  # a FilterSet whose problems already say what is wrong
        return problem.message
    if problem.param == "q":
        return f"Search text is at most {MAX_QUERY_LENGTH} characters."
    if problem.param == "sort":
        options = list(SORTS)
    else:
        options = [value for value, _label in filterset.choices_for(problem.param)]
    if not options:
        return f'"{problem.value}" is not a valid choice for {problem.param}: it has no options yet.'
    shown = ", ".join(f'"{option}"' for option in options[:12])
    more = f" (and {len(options) - 12} more, as on the programme list page)" if len(options) > 12 else ""
    return f'"{problem.value}" is not a valid choice for {problem.param}: use one of {shown}{more}.'


# --------------------------------------------------------------------------- pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 (page_size up to 100). A bad page number is a 400 that says what is allowed."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        """The page_size asked for (up to 100), 50 without one; anything but a whole number from 1 is a 400."""
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not value.isdigit() or int(value) < 1:
            raise ValidationError(
                {self.page_size_query_param: [f'"{value[:40]}" is not a page size: use a whole number from 1 to 100.']}
            )
        return min(int(value), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's own version answers a bad page with a 404 "Invalid page.", which reads like a
        # missing endpoint; this one says what went wrong and what would work.
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except PageNotAnInteger:
            raise ValidationError(
                {"page": [f'"{page_number}" is not a page number: use a whole number from 1, or "last".']}
            ) from None
        except EmptyPage:
            raise ValidationError(
                {"page": [f"There is no page {page_number}: the results fill {paginator.num_pages} page(s)."]}
            ) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = 'A page number from 1, or "last". A page past the end is a 400.'
                parameter["schema"] = {"type": "string", "pattern": "^([1-9][0-9]*|last)$"}
            elif parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows a page (default 50); more than {self.max_page_size} gives {self.max_page_size}."
                )
                parameter["schema"]["minimum"] = 1
        return parameters


# --------------------------------------------------------------------------- throttling


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients get API_ANON_THROTTLE_RATE requests (settings); past it, a 429 with Retry-After.

    The rate is read at request time, not import time, so a deployment or a test can change it.
    """

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE


# --------------------------------------------------------------------------- conditional requests

# An ETag from the rendered body (so it changes whenever the answer does) and a 304 for a matching
# If-None-Match or an If-Modified-Since no older than Last-Modified.
conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


class ApiViewMixin:
    """Pages, ETag and Last-Modified, and the anonymous rate limit."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # PostgreSQL refuses a NUL character in any string it is sent: answer 400/404, never a 500.
        for name, values in request.query_params.lists():
            if any("\x00" in value for value in values):
                raise ValidationError({name: ["A value cannot contain a NUL character."]})
        if any("\x00" in str(value) for value in kwargs.values()):
            raise NotFound()

    pagination_class = PageNumberPagination
    throttle_classes = [AnonymousThrottle]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            changed = last_catalogue_change()
            if changed is not None:
                response["Last-Modified"] = http_date(changed.timestamp())
        return response


@method_decorator(conditional_get, name="dispatch")
class ReadOnlyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """A list and a detail by identifier."""


@method_decorator(conditional_get, name="dispatch")
class ListViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list only: its rows have no identifier of their own that outlives a database (findings, changes)."""
