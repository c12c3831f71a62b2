"""Plots for the sentiment analyses."""
from __future__ import annotations

__all__: list[str] = []
