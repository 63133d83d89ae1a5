#!/usr/bin/env bash
# Installs every Debian package quarter needs to build, test and benchmark.
# One list, used by README.md and .ci/run. Safe to re-run.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake pkg-config
  libreadosm-dev zlib1g-dev libexpat1-dev
  libgdal-dev libproj-dev libgeos-dev libglpk-dev
  libsqlite3-dev libsodium-dev libmicrohttpd-dev libjansson-dev
  libqrencode-dev
  libcmocka-dev clang-format gettext
  libcairo2-dev libpango1.0-dev fonts-noto-cjk libxlsxwriter-dev libpng-dev
  poppler-utils gdal-bin python3-openpyxl python3-gdal python3-numpy
)
FUZZ_PKGS=(
  clang libclang-rt-14-dev
)
# The pages (web/) and their browser tests (tests/web/): Debian's chromium
# driven by playwright-core from npm (fonts-noto-cjk above shows their Chinese).
WEB_PKGS=(chromium)
# The PostgreSQL/PostGIS store and the deployment behind a load balancer
# (tests start a throw-away server with scripts/pgtmp.sh, and nginx on loopback
# with a self-signed certificate from openssl: deploy/make-test-cert.sh).
PG_PKGS=(libpq-dev postgresql-15 postgresql-15-postgis-3 nginx openssl python3-psycopg2)
REF_PKGS=(
  bc wrk python3 python3-numpy python3-pandas python3-scipy
  python3-networkx python3-igraph python3-pyosmium
  postgresql postgresql-15-pgrouting postgresql-15-postgis-3
)

want=("${BUILD_PKGS[@]}" "${WEB_PKGS[@]}" "${PG_PKGS[@]}")
if [ "${QT_WITH_FUZZ:-1}" = 1 ]; then want+=("${FUZZ_PKGS[@]}"); fi
# node and npm build web/ (esbuild) and run tests/web/; any node >= 18 does
# (Debian's nodejs and npm when the machine has none).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then want+=(nodejs npm); fi
if [ "${QT_WITH_REFS:-1}" = 1 ]; then want+=("${REF_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${#missing[@]} packages"
