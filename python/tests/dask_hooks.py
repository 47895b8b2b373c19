# SPDX-License-Identifier: MIT
"""A task function for test_dask's killed-worker test: on its first
attempt at the file named hold.http it tells the test its process id over a
loopback socket and blocks until the test kills its worker process; any
later attempt lints as usual. Imported by the workers (the test folder is on
their sys.path, as on the test's)."""

import os
import socket

from respcheck.dask import tasks


def hold_once(task, options, *, marker, attempts, port):
    if os.path.basename(task.path) == "hold.http":
        with open(attempts, "a") as f:
            f.write("%d\n" % os.getpid())
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass  # the retry, after the kill
        else:
            os.close(fd)
            with socket.create_connection(("127.0.0.1", port),
                                          timeout=120) as s:
                s.sendall(b"%d\n" % os.getpid())
                s.recv(1)  # until the process is killed (or 120 s)
            raise RuntimeError("hold_once: the worker was not killed")
    return tasks.lint(task, options)
