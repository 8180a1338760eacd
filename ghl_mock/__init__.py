"""ghl-mock: a local stand-in for HighLevel's Social Planner OAuth API."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
