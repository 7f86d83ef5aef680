"""This instance's own figures, as the host measured them: how long its launch took and what its
bridge calls cost. No permission needed (like ``log``)."""

from __future__ import annotations

from . import _backend
from .types import LaunchMetrics, PerformanceMetrics

__all__ = ["LaunchMetrics", "PerformanceMetrics", "metrics"]


def metrics() -> PerformanceMetrics:
    """The figures so far (this call counts in ``bridge_calls``). Never fails."""
    return _backend.typed("performance.metrics", {}, PerformanceMetrics.from_json)
