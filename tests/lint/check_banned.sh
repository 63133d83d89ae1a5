#!/usr/bin/env bash
# Banned in src/: unbounded string functions, atoi family, and exit/abort
# outside the CLI's main.c (the library reports, never exits).
set -u
top=$1
bad=0
if grep -nE '\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol|atof|strtok)\s*\(' $(find "$top/src" -name '*.[ch]'); then
  echo "banned function above"; bad=1
fi
if grep -nE '\b(exit|abort)\s*\(' $(find "$top/src" -name '*.[ch]' ! -path '*/cli/main.c'); then
  echo "exit/abort outside src/cli/main.c above"; bad=1
fi
if [ $bad = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $bad
