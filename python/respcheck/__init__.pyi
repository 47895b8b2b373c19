# SPDX-License-Identifier: MIT
# Type stubs of the respcheck package.
import os
from typing import Literal, Optional, Union

from ._respcheck import (
    REGISTRY_DATE as REGISTRY_DATE,
    Error as Error,
    Finding as Finding,
    InputError as InputError,
    Limits,
    Parser as Parser,
    Response as Response,
    Rules,
    Status as Status,
    StreamError as StreamError,
    check as check,
    registry_date as registry_date,
    rules as rules,
    status as status,
    status_by_name as status_by_name,
    status_by_phrase as status_by_phrase,
    statuses as statuses,
    version as version,
)

__version__: str

_Path = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

def input_kinds() -> tuple[str, ...]: ...
def detect_kind(path: _Path) -> str: ...
def check_file(path: _Path, *, kind: Optional[str] = None, method: str = "GET",
               request_version: str = "1.1", rules: Optional[Rules] = None,
               limits: Optional[Limits] = None) -> list[Response]: ...
