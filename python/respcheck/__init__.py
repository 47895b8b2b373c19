# SPDX-License-Identifier: MIT
"""respcheck: check HTTP/1.x response streams against RFC 9110, RFC 9112 and
the IANA HTTP Status Code Registry.

The parsing and the rules are the respcheck C library (llhttp for the
tokenising), called through the extension module respcheck._respcheck with
the GIL released. The records are those of the ``respcheck`` command:
``Response.to_dict()`` equals its ``--format=json`` object key for key.

    >>> import respcheck
    >>> [r] = respcheck.check(b"HTTP/1.1 405 Method Not Allowed\\r\\n"
    ...                       b"Content-Length: 0\\r\\n\\r\\n")
    >>> [f.rule for f in r.findings]
    ['allow-missing', 'date-missing']
    >>> respcheck.status(418).state
    'reserved'

``python3 -m respcheck.dask PATHS...`` lints many files on Dask distributed.
"""

import os as _os

from ._respcheck import (
    REGISTRY_DATE,
    Error,
    Finding,
    Parser,
    Response,
    Status,
    StreamError,
    check,
    registry_date,
    rules,
    status,
    status_by_name,
    status_by_phrase,
    statuses,
    version,
)
from . import _respcheck

__all__ = [
    "REGISTRY_DATE", "Error", "Finding", "Parser", "Response", "Status",
    "StreamError", "check", "check_file", "detect_kind", "input_kinds",
    "registry_date", "rules", "status", "status_by_name", "status_by_phrase",
    "statuses", "version",
]

__version__ = version().split()[0]

# Input kinds check_file() reads, each a function (path, **options) -> list
# of Response. Readers of captures, web archives and browser exports are
# added here as their C components join the library; detect_kind() names
# the kind of a file as the command decides it.
_READERS = {
    "raw": _respcheck.check_raw_file,
}


def input_kinds():
    """The input kinds check_file() reads in this build, e.g. ('raw',)."""
    return tuple(_READERS)


def detect_kind(path):
    """The kind of input a file holds, as the respcheck command decides it.

    Every file is one connection's raw response stream ('raw') in this
    build, as for the command.
    """
    _os.fspath(path)  # a TypeError for what is not a path
    return "raw"


def check_file(path, *, kind=None, method="GET", request_version="1.1",
               rules=None, limits=None):
    """Check a file and return a list of Response, the records the respcheck
    command writes for it (--format=json), in the same order.

    kind is one of input_kinds() (default: detect_kind(path)). method,
    request_version, rules and limits are as for check(). Raises OSError when
    the file cannot be read, ValueError for a kind this build cannot read.
    """
    if kind is None:
        kind = detect_kind(path)
    reader = _READERS.get(kind)
    if reader is None:
        raise ValueError("input kind %r is not read by this build (it reads %s)"
                         % (kind, ", ".join(_READERS)))
    return reader(path, method=method, request_version=request_version,
                  rules=rules, limits=limits)
