"""Log formatting: the access log never shows a credential whole."""

from __future__ import annotations

import logging
from copy import copy

from uvicorn.logging import AccessFormatter

from mock_server.masking import masked_query


class MaskingAccessFormatter(AccessFormatter):
    """uvicorn's access line, with the consent ``state`` in the path shortened like the journal's."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            path, _, query = args[2].partition("?")
            record = copy(record)
            record.args = (args[0], args[1], f"{path}?{masked_query(query)}", args[3], args[4])
        return super().formatMessage(record)
