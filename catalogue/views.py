"""Public pages. Each view: an optimised queryset, then render."""

from django.shortcuts import get_object_or_404, render

from .models import Collection, Programme


def home(request):
    programmes = Programme.objects.published().order_by("name")
    return render(request, "catalogue/home.html", {"programmes": programmes})


def programme_list(request):
    programmes = Programme.objects.published().order_by("name")
    return render(request, "catalogue/programme_list.html", {"programmes": programmes})


def programme_detail(request, slug):
    programme = get_object_or_404(Programme.objects.published(), slug=slug)
    return render(request, "catalogue/programme_detail.html", {"programme": programme})


def collection_detail(request, slug):
    collection = get_object_or_404(Collection, slug=slug)
    programmes = collection.programmes.published()
    return render(request, "catalogue/collection_detail.html", {"collection": collection, "programmes": programmes})
