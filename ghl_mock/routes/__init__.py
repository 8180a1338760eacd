"""HTTP routes: HighLevel's paths in ``oauth``, the mock's own under ``/__mock/`` in ``mock_api``."""
