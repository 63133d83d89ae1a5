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
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
# The PostgreSQL/PostGIS store backend (--db postgresql://...) and the city job queue
# (quarter/queue.h): libpq (libpq-dev).
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
# Reports: maps and pages (cairo, pango with fonts-noto-cjk), Excel files (libxlsxwriter).
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo)
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
pkg_check_modules(PNG REQUIRED IMPORTED_TARGET libpng)
# Coupon QR codes (libqrencode) and their PNG encoding (zlib).
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
