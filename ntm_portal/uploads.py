"""Uploads counted as they arrive, so an oversized one is refused without being kept whole.

Django reads a multipart body through its upload handlers, a chunk at a time. This one goes first:
- a body declared larger than UPLOAD_MAX_REQUEST_BYTES is refused before any of it is read (Django answers
  400, as for its own DATA_UPLOAD_MAX_MEMORY_SIZE; a reverse proxy refuses it earlier still);
- a file is passed on to the storing handlers up to UPLOAD_MAX_FILE_BYTES only. Past that its chunks are
  dropped and the file arrives as an empty `OversizedUpload` that knows its size, so the page's own size
  check refuses it with its own message.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class OversizedUpload(UploadedFile):
    """A file refused for its size while it arrived: its name and the size counted, no content."""

    def __init__(self, *, name: str, size: int, content_type: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def open(self, mode=None):
        raise ValueError("An oversized upload has no content.")

    def read(self, *args, **kwargs) -> bytes:
        return b""

    def chunks(self, chunk_size=None):
        return iter(())

    def seek(self, *args) -> int:
        return 0

    def close(self) -> None:
        pass


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.UPLOAD_MAX_REQUEST_BYTES:
            raise RequestDataTooBig("The request body is larger than UPLOAD_MAX_REQUEST_BYTES.")
        return None  # the other handlers parse the body

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_FILE_BYTES:
            return None  # dropped: the handlers below store nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= settings.UPLOAD_MAX_FILE_BYTES:
            return None  # the storing handlers complete it
        return OversizedUpload(name=self.file_name, size=self.received, content_type=self.content_type)


def validate_spreadsheet_size(upload: UploadedFile) -> None:
    """The limit of the spreadsheets staff import (IMPORT_MAX_BYTES): results, values, funding, criteria sets."""
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; files up to %(limit)s are accepted."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)},
        )
