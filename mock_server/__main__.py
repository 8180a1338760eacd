"""`python -m mock_server` is the same as the `ghl-mock` console script."""

from __future__ import annotations

from mock_server.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess test
    main()
