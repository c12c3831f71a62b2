"""Plots for the corpus analyses."""
from __future__ import annotations

__all__: list[str] = []
