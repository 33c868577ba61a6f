#!/usr/bin/env bash
# Checks that the plugin's libraries need the same HDF5 library that ParaView itself loads.
set -euo pipefail
plugin="$1"
needed=$(for lib in "$(dirname "$plugin")"/*.so; do readelf -d "$lib"; done \
  | sed -n 's/.*Shared library: \[\(libhdf5[^]]*\)\].*/\1/p' | sort -u)
echo "plugin needs: ${needed:-none}"
# A ParaView library that uses HDF5 tells which flavour ParaView loads.
exodus="/usr/lib/$(gcc -print-multiarch)/libvtkIOExodus-pv5.11.so"
paraview_lib=$(ldd "$exodus" | sed -n 's/^\s*\(libhdf5[^ ]*\) =>.*/\1/p' | grep -v _hl | head -1)
echo "ParaView loads: $paraview_lib"
if [ -z "$needed" ]; then
  echo "FAIL: the plugin does not link HDF5 directly" >&2; exit 1
fi
if echo "$needed" | grep -q serial; then
  echo "FAIL: the plugin links the serial HDF5 flavour" >&2; exit 1
fi
echo "$needed" | grep -qx "$paraview_lib" || { echo "FAIL: $needed is not $paraview_lib" >&2; exit 1; }
echo "PASS"
