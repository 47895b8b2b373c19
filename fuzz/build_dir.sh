# SPDX-License-Identifier: MIT
# Which build folder fuzz/run.sh and fuzz/coverage.sh use (sourced by both).
#
# A CMake cache belongs to one source tree: a folder configured from another
# checkout fails ("does not match the source ... used to generate cache").
# So the default folder is named after the checkout (/tmp/FLAVOUR-HASH), a
# default folder that holds another tree's cache anyway is replaced by a
# fresh one, and a folder the user named that holds another tree's cache is
# refused rather than reconfigured or deleted.

# The source tree a build folder's CMake cache was made from, or nothing.
rc_fuzz_cache_source() {
  sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$1/CMakeCache.txt" 2>/dev/null || true
}

# rc_fuzz_build_dir SCRIPT FLAVOUR ROOT [BUILD_DIR]: prints the folder to
# use; exits 2 (from the caller's shell) when BUILD_DIR belongs to another
# tree.
rc_fuzz_build_dir() {
  local script=$1 flavour=$2 root=$3 build=${4:-} made_from tag
  if [ -n "$build" ]; then
    made_from=$(rc_fuzz_cache_source "$build")
    if [ -n "$made_from" ] && [ "$made_from" != "$root" ]; then
      echo "$script: $build was configured from another source tree" \
        "($made_from); give a build folder of this checkout ($root)" >&2
      exit 2
    fi
    echo "$build"
    return
  fi
  tag=$(printf '%s' "$root" | cksum | cut -d' ' -f1)
  build=/tmp/$flavour-$tag
  made_from=$(rc_fuzz_cache_source "$build")
  if [ -n "$made_from" ] && [ "$made_from" != "$root" ]; then
    build=$(mktemp -d "/tmp/$flavour-$tag.XXXXXX")
    echo "$script: /tmp/$flavour-$tag belongs to $made_from; using $build" >&2
  fi
  echo "$build"
}
