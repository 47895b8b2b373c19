# SPDX-License-Identifier: MIT
# The package installs without pip: cmake --install into WORK/prefix, then
# Python imports it from there alone (PYTHONPATH=prefix/PYDIR, run from
# another folder) and uses it, and python3 -m respcheck.dask starts.
# -DBUILD= -DWORK= -DPYTHON= -DPYDIR= (RESPCHECK_PYTHON_INSTALL_DIR)
# -DPYENV= (a list of VAR=VALUE for Python: the sanitizer runtime)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "cmake --install failed")
endif()
if(IS_ABSOLUTE "${PYDIR}")
  message(FATAL_ERROR "RESPCHECK_PYTHON_INSTALL_DIR is absolute: not under the scratch prefix")
endif()
set(site ${WORK}/prefix/${PYDIR})
foreach(f respcheck/__init__.py respcheck/__init__.pyi respcheck/_respcheck.pyi
          respcheck/py.typed respcheck/dask/__main__.py respcheck/dask/report.py)
  if(NOT EXISTS ${site}/${f})
    message(FATAL_ERROR "not installed: ${site}/${f}")
  endif()
endforeach()
set(script "
import os, sys, respcheck, respcheck.dask
site = os.path.realpath(sys.argv[1])
for m in (respcheck, respcheck._respcheck, respcheck.dask):
    assert os.path.realpath(m.__file__).startswith(site + os.sep), m.__file__
[r] = respcheck.check(b'HTTP/1.1 405 Method Not Allowed\\r\\nContent-Length: 0\\r\\n\\r\\n')
assert [f.rule for f in r.findings] == ['allow-missing', 'date-missing'], r.findings
assert respcheck.status(418).state == 'reserved'
print('installed respcheck', respcheck.__version__, 'from', site)
")
execute_process(COMMAND env ${PYENV} PYTHONPATH=${site} ${PYTHON} -c "${script}" ${site}
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the installed package does not import or work")
endif()
execute_process(COMMAND env ${PYENV} PYTHONPATH=${site} ${PYTHON} -m respcheck.dask --help
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(rc OR NOT out MATCHES "--scheduler")
  message(FATAL_ERROR "python3 -m respcheck.dask --help failed: ${out}")
endif()
