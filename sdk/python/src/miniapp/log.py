"""Logging into the host's log and the Bridge Inspector. Always granted; never raises."""

from __future__ import annotations

from . import _backend

LEVELS = ("trace", "debug", "info", "warn", "error")


def log(level: str, message: str) -> None:
    """One log line at ``level`` (one of :data:`LEVELS`); messages over 4 KiB are truncated."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    _backend.call("log.log", {"level": level, "message": str(message)})


def trace(message: str) -> None:
    log("trace", message)


def debug(message: str) -> None:
    log("debug", message)


def info(message: str) -> None:
    log("info", message)


def warn(message: str) -> None:
    log("warn", message)


def error(message: str) -> None:
    log("error", message)
