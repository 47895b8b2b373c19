# SPDX-License-Identifier: MIT
"""python3 -m respcheck.dask: see respcheck.dask."""
import sys

from respcheck.dask import main

if __name__ == "__main__":
    sys.exit(main())
