"""Plots for the report analyses."""
from __future__ import annotations

__all__: list[str] = []
