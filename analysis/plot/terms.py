"""Plots for the terms analyses."""
from __future__ import annotations

__all__: list[str] = []
