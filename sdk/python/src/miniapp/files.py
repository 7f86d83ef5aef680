"""Text files in this mini-program's sandbox, counted against its storage quota. Permission:
``storage``. A path is relative and ``/``-separated (``notes/today.txt``), 1 to 512 bytes, with no
empty, ``.`` or ``..`` segment and no backslash or control character (``INVALID_ARGUMENT``)."""

from __future__ import annotations

from typing import List

from . import _backend
from .types import FileInfo

__all__ = ["FileInfo", "list", "read", "remove", "stat", "write"]


def write(path: str, data: str) -> None:
    """Writes ``data`` (at most 1 MiB) to ``path``; ``QUOTA_EXCEEDED`` past the storage quota."""
    _backend.call("files.write", {"path": path, "data": data})


def read(path: str) -> str:
    """The content of ``path``; ``NOT_FOUND`` if there is no such file."""
    return _backend.call("files.read", {"path": path})


def list(dir: str = "") -> List[FileInfo]:  # noqa: A001 - the bridge's name
    """The files under ``dir`` (``""``: every file), sorted by path."""
    return _backend.typed("files.list", {"dir": dir}, lambda v: [FileInfo.from_json(f) for f in v])


def stat(path: str) -> FileInfo:
    return _backend.typed("files.stat", {"path": path}, FileInfo.from_json)


def remove(path: str) -> bool:
    """Removes ``path``; whether it was there."""
    return bool(_backend.call("files.remove", {"path": path}))
