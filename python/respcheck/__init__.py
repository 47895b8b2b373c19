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
    InputError,
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
    "REGISTRY_DATE", "Error", "Finding", "InputError", "Parser", "Response", "Status",
    "StreamError", "check", "check_file", "detect_kind", "input_kinds",
    "registry_date", "rules", "status", "status_by_name", "status_by_phrase",
    "statuses", "version",
]

__version__ = version().split()[0]

# Input kinds check_file() reads, each a function (path, **options) -> list
# of Response, and how the command tells them (by content, never by name:
# the first bytes are asked to each kind in turn, raw streams last). Readers
# of other formats join here as their C components do.
_READERS = {}
_SNIFFERS = []
for _kind, _reader, _sniff in (("pcap", "check_capture_file", "_is_capture"),
                               ("warc", "check_warc_file", "_is_warc"),
                               ("har", "check_har_file", "_is_har")):
    if hasattr(_respcheck, _reader):
        _READERS[_kind] = getattr(_respcheck, _reader)
        _SNIFFERS.append((_kind, getattr(_respcheck, _sniff)))
_READERS["raw"] = _respcheck.check_raw_file
# Bytes read to tell a kind (the command's RC_INPUT_HEAD).
_HEAD = 512


def input_kinds():
    """The input kinds check_file() reads in this build, e.g. ('raw',)."""
    return tuple(_READERS)


def detect_kind(path):
    """The kind of input a file holds, told by its first bytes as the
    respcheck command tells it: 'pcap' (pcap or pcapng), 'warc' (plain or
    gzip), 'har' (JSON), else 'raw' (one connection's response stream).
    Raises OSError when the file cannot be read."""
    with open(path, "rb") as f:
        head = f.read(_HEAD)
    for kind, sniff in _SNIFFERS:
        if sniff(head):
            return kind
    return "raw"


def check_file(path, *, kind=None, method="GET", request_version="1.1",
               rules=None, limits=None):
    """Check a file and return a list of Response, the records the respcheck
    command writes for it (--format=json), in the same order.

    kind is one of input_kinds() (default: detect_kind(path)). method,
    request_version, rules and limits are as for check() (for a capture,
    method and request_version serve responses whose request is not in
    it). Raises OSError when the file cannot be opened, InputError (with
    .responses, the records read before) when it is cut short, ValueError
    for a kind this build cannot read.
    """
    if kind is None:
        kind = detect_kind(path)
    reader = _READERS.get(kind)
    if reader is None:
        raise ValueError("input kind %r is not read by this build (it reads %s)"
                         % (kind, ", ".join(_READERS)))
    return reader(path, method=method, request_version=request_version,
                  rules=rules, limits=limits)
