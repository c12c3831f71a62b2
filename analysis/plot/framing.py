"""Plots for the framing analyses."""
from __future__ import annotations

__all__: list[str] = []
