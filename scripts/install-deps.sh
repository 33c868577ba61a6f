#!/usr/bin/env bash
# Installs the Debian bookworm packages NeuroPlayback needs to build, run and test.
# Idempotent: skips the install when every package is already present.
set -euo pipefail

PACKAGES=(
  # ParaView 5.11 and its SDK
  paraview paraview-dev python3-paraview
  # -dev packages that ParaView's CMake config searches for (see docs/paraview-notes)
  qtbase5-dev qttools5-dev qtxmlpatterns5-dev-tools libqt5svg5-dev libqt5opengl5-dev libqt5x11extras5-dev
  libutfcpp-dev mpi-default-dev libopenmpi-dev python3-mpi4py
  libhdf5-dev libhdf5-openmpi-dev hdf5-tools
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
  libgdal-dev libnetcdf-dev libtheora-dev libogg-dev libgl2ps-dev libglew-dev
  libdouble-conversion-dev liblz4-dev liblzma-dev libboost-dev libexpat1-dev
  libfreetype-dev fonts-dejavu-core libjpeg-dev libpng-dev libtiff-dev libxml2-dev zlib1g-dev
  libx11-dev libxt-dev libgl-dev python3-dev libeigen3-dev
  # build and test tools
  cmake g++ make libgtest-dev libbenchmark-dev xvfb xauth x11-utils
  python3-numpy python3-h5py python3-pip python3-setuptools imagemagick
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "[install-deps] all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "[install-deps] installing ${#missing[@]} missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q || { echo "[install-deps] ERROR: apt-get update failed; check the network/apt sources" >&2; exit 1; }
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" || {
  echo "[install-deps] ERROR: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
echo "[install-deps] done"
