#!/usr/bin/env bash
# A layer includes only its own headers and those of lower layers:
#   base <- core <- domain <- io, store <- report <- server <- cli
# (the CLI uses the public API plus base helpers; the report is below the server
# so the server can serve maps and tiles rendered in src/report).
set -u
top=$1
rank() { case $1 in base) echo 0;; core) echo 1;; domain) echo 2;; io|store) echo 3;; report) echo 4;; server) echo 5;; cli) echo 6;; *) echo 9;; esac; }
bad=0
for f in $(find "$top/src" -name '*.[ch]'); do
  layer=$(basename "$(dirname "$f")")
  me=$(rank "$layer")
  while IFS= read -r inc; do
    dep=${inc%%/*}
    [ "$dep" = "$inc" ] && continue
    r=$(rank "$dep")
    [ "$r" = 9 ] && continue
    if [ "$r" -gt "$me" ] || { [ "$r" = "$me" ] && [ "$dep" != "$layer" ]; }; then
      echo "$f: layer '$layer' must not include '$inc'"; bad=1
    fi
  done < <(grep -oE '^#include "[a-z]+/[a-z_]+\.h"' "$f" | sed -E 's/#include "(.*)"/\1/')
done
# the CLI reaches the library through the public API only (base helpers allowed)
if grep -nE '^#include "(core|io|domain|store|server|report)/' "$top"/src/cli/*.c; then bad=1; fi
if [ $bad = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $bad
