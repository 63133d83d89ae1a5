# Every dependency from Debian packages through pkg-config (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(READOSM REQUIRED IMPORTED_TARGET readosm)
pkg_check_modules(GDAL REQUIRED IMPORTED_TARGET gdal)
pkg_check_modules(GEOS REQUIRED IMPORTED_TARGET geos)
# GLPK ships no pkg-config file on Debian 12: find its header and library.
find_path(GLPK_INCLUDE_DIR glpk.h REQUIRED)
find_library(GLPK_LIBRARY glpk REQUIRED)
add_library(qt_glpk INTERFACE)
target_include_directories(qt_glpk INTERFACE ${GLPK_INCLUDE_DIR})
target_link_libraries(qt_glpk INTERFACE ${GLPK_LIBRARY})
