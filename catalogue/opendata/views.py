"""The /data/ page (what the download holds, every column's meaning, the licence and how to cite) and the
download itself, with its checksum."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe

from .build import FILENAME, LICENCE, current_snapshot
from .tables import tables


@require_safe
def data_page(request):
    snapshot = current_snapshot()
    context = {"snapshot": snapshot, "tables": tables(), "licence": LICENCE, "filename": FILENAME}
    return render(request, "catalogue/data.html", context)


def _checksum(request):
    return current_snapshot().sha256


@require_safe
@condition(etag_func=_checksum)  # a client holding this snapshot gets a 304
def data_download(request):
    snapshot = current_snapshot()
    response = FileResponse(snapshot.path.open("rb"), as_attachment=True, filename=FILENAME)
    if snapshot.taken_at:
        response["Last-Modified"] = http_date(snapshot.taken_at.timestamp())
    return response


@require_safe
def data_checksum(request):
    snapshot = current_snapshot()
    return HttpResponse(f"{snapshot.sha256}  {FILENAME}\n", content_type="text/plain; charset=utf-8")
