"""Where a format's text goes and where it comes from: a path (written atomically,
read up to the size limit of a map) or a file already open."""

from __future__ import annotations

import csv
import io
import os
from typing import IO, Any

from sysmap.errors import MapFileError, OutputError
from sysmap.mapfile import decode, max_file_bytes, read_limited
from sysmap.storage import write_atomic

__all__ = ["PathOrFile", "write_output", "read_bytes", "read_text_input", "as_bytes", "csv_rows"]

PathOrFile = str | os.PathLike[str] | IO[str] | IO[bytes]


def write_output(path_or_file: PathOrFile, content: str | bytes) -> str | None:
    """Write content to a path (atomically) or to an open file; the path written."""
    if not hasattr(path_or_file, "write"):
        path = os.fspath(path_or_file)
        write_atomic(path, content)
        return str(path)
    fh: Any = path_or_file
    name = getattr(fh, "name", None)
    name = name if isinstance(name, str) else None
    if isinstance(content, bytes) and not _is_binary(fh):
        raise OutputError(
            "this format writes bytes — open the file in binary mode ('wb')", path=name
        )
    if isinstance(content, str) and _is_binary(fh):
        fh.write(content.encode("utf-8"))
    else:
        fh.write(content)
    return name


def _is_binary(fh: Any) -> bool:
    mode = getattr(fh, "mode", "")
    if isinstance(mode, str) and mode:
        return "b" in mode
    return not hasattr(fh, "encoding")


def read_bytes(path_or_file: PathOrFile) -> tuple[bytes, str]:
    """The bytes of an input file and a name for messages.

    A path must be a regular file under the size limit of a map
    (:func:`sysmap.mapfile.read_limited`); an open file is read up to the
    same limit.
    """
    if hasattr(path_or_file, "read"):
        fh: Any = path_or_file
        name = str(getattr(fh, "name", "<input>"))
        limit = max_file_bytes()
        data = fh.read(limit + 1)
        data = data.encode("utf-8") if isinstance(data, str) else data
        if len(data) > limit:
            raise MapFileError(
                f"{name}: the input is over the {limit:,} byte limit for a file to import — "
                "raise the limit with the SYSMAP_MAX_FILE_BYTES environment variable"
            )
        return data, name
    return read_limited(path_or_file, "a file to import"), str(os.fspath(path_or_file))


def read_text_input(path_or_file: PathOrFile) -> tuple[str, str]:
    """The UTF-8 text of an input file and a name for messages."""
    data, name = read_bytes(path_or_file)
    return decode(data, name).replace("\r\n", "\n"), name


def as_bytes(text: str | bytes) -> bytes:
    """Text given to a reader of XML or workbooks, as the bytes it parses."""
    return text.encode("utf-8") if isinstance(text, str) else text


def csv_rows(text: str, file: str) -> list[list[str]]:
    """CSV text as rows of cells; a quoting error names its line."""
    reader = csv.reader(io.StringIO(text))
    try:
        return list(reader)
    except csv.Error as exc:
        raise MapFileError(f"{file}: line {reader.line_num}: {exc} — check the quoting") from None
