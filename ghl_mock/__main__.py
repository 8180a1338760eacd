"""`python -m ghl_mock` is the same as the `ghl-mock` console script."""

from __future__ import annotations

from ghl_mock.startup import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess test
    main()
