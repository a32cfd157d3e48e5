"""A private store for import files between the admin's preview and its confirm step.

django-import-export keeps the uploaded file between the two steps and takes its name back from
the confirm form, a value the browser posts. Its default store (a shared temporary folder) trusts
that name: another user's file, or any path the server can read, could be named there, then read
and deleted. This store only answers names it issued to the signed-in user:

- a name is "<user id>.<random token>", 256 bits from `secrets`, so it cannot be guessed;
- reading or removing it needs the same user (taken from the request by
  `CurrentUserMiddleware`), so a name leaked or posted by someone else is refused;
- files live in a private folder (mode 700, files 600) and expire after IMPORT_STORE_MAX_AGE.

Plugged in by the IMPORT_EXPORT_TMP_STORAGE_CLASS setting; no admin code changes.
"""

import contextvars
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied

_current_request = contextvars.ContextVar("import_store_request", default=None)
NAME = re.compile(r"^(?P<user>[0-9]+)\.(?P<token>[A-Za-z0-9_-]{43})$")


class ImportFileUnavailable(PermissionDenied):
    """The name is not one this store issued to this user, or its file has expired."""


class CurrentUserMiddleware:
    """Makes the request (so, lazily, its user) available to the import store while it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def store_dir() -> Path:
    directory = Path(getattr(settings, "IMPORT_STORE_DIR", "") or Path(tempfile.gettempdir()) / "guidebook-imports")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


class PrivateImportStore:
    """django-import-export's temporary storage interface: save, read, remove, and a `name`."""

    def __init__(self, **kwargs):
        self.name = kwargs.get("name")
        self.read_mode = kwargs.get("read_mode", "r")
        self.encoding = kwargs.get("encoding")

    def save(self, data):
        user_id = self._user_id()
        self._remove_expired()
        self.name = f"{user_id}.{secrets.token_urlsafe(32)}"
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        descriptor = os.open(self._path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def read(self):
        path = self._checked_path()
        data = path.read_bytes()
        if "b" in self.read_mode:
            return data
        return data.decode(self.encoding or "utf-8")

    def remove(self):
        self._checked_path().unlink(missing_ok=True)

    def _user_id(self) -> int:
        user = getattr(_current_request.get(), "user", None)
        if user is None or not user.is_authenticated:
            raise ImportFileUnavailable("Import files belong to a signed-in user.")
        return user.pk

    def _path(self) -> Path:
        return store_dir() / self.name

    def _checked_path(self) -> Path:
        """The file for `self.name`, if this store issued that name to the current user and it has not expired."""
        match = NAME.match(self.name or "")
        if match is None or int(match["user"]) != self._user_id():
            raise ImportFileUnavailable("This import file is not yours, or was never uploaded: upload it again.")
        path = self._path()
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            raise ImportFileUnavailable(
                "This import file has expired or was already imported: upload it again."
            ) from None
        if age > settings.IMPORT_STORE_MAX_AGE:
            path.unlink(missing_ok=True)
            raise ImportFileUnavailable("This import file has expired: upload it again.")
        return path

    @staticmethod
    def _remove_expired():
        """Files abandoned at the preview step are deleted once they expire, by the next upload."""
        cutoff = time.time() - settings.IMPORT_STORE_MAX_AGE
        for path in store_dir().iterdir():
            try:
                if NAME.match(path.name) and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except FileNotFoundError:
                continue  # removed by a concurrent request
