"""Plotting functions: each takes ``ax=None`` and returns the Axes; none saves or shows.

``save_figure`` writes figures; ``set_style`` fixes the style and outlet colours.
"""
from __future__ import annotations

from .corpus import *  # noqa: F401,F403
from .framing import *  # noqa: F401,F403
from .report import *  # noqa: F401,F403
from .sentiment import *  # noqa: F401,F403
from .style import *  # noqa: F401,F403
from .terms import *  # noqa: F401,F403
