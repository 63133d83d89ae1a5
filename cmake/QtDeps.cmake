# Every dependency from Debian packages through pkg-config (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(READOSM REQUIRED IMPORTED_TARGET readosm)
pkg_check_modules(GDAL REQUIRED IMPORTED_TARGET gdal)
pkg_check_modules(GEOS REQUIRED IMPORTED_TARGET geos)
