#!/usr/bin/env bash
# Checks that the plugin needs the same HDF5 library that ParaView itself loads.
set -euo pipefail
plugin="$1"
pvpython="$2"
needed=$(readelf -d "$plugin" | sed -n 's/.*Shared library: \[\(libhdf5[^]]*\)\].*/\1/p')
echo "plugin needs: ${needed:-none}"
paraview_lib=$(ldd "$(dirname "$(readlink -f "$(command -v "$pvpython")")")/../lib/x86_64-linux-gnu/libvtkIOExodus-pv5.11.so" 2>/dev/null \
  | sed -n 's/^\s*\(libhdf5[^ ]*\) =>.*/\1/p' | grep -v hl | head -1 || true)
if [ -z "$paraview_lib" ]; then
  paraview_lib=$(ldd /usr/lib/x86_64-linux-gnu/libvtkIOExodus-pv5.11.so | sed -n 's/^\s*\(libhdf5[^ ]*\) =>.*/\1/p' | grep -v hl | head -1)
fi
echo "ParaView loads: $paraview_lib"
if [ -z "$needed" ]; then
  echo "FAIL: the plugin does not link HDF5 directly" >&2; exit 1
fi
if echo "$needed" | grep -q serial; then
  echo "FAIL: the plugin links the serial HDF5 flavour" >&2; exit 1
fi
echo "$needed" | grep -qx "$paraview_lib" || { echo "FAIL: $needed is not $paraview_lib" >&2; exit 1; }
echo "PASS"
