#!/usr/bin/env bash
# Format the C sources to .clang-format (clang-format 14, Debian 12):
#   scripts/format.sh            every .c and .h under src/, include/, tests/, bench/
#   scripts/format.sh FILE...    just these
#   scripts/format.sh --check    report (do not change) the files that differ; exit 1 if any
# After formatting the whole tree, list the files in tests/lint/formatted.txt
# (the lint test checks those): scripts/format.sh --list > tests/lint/formatted.txt
set -euo pipefail
cd "$(dirname "$0")/.."
CF=${CLANG_FORMAT:-clang-format}
all() { git ls-files 'src/*.[ch]' 'include/*.h' 'tests/*.[ch]' 'bench/*.[ch]' | sort; }
case "${1:-}" in
  --check)
    bad=0
    for f in $(all); do
      if ! "$CF" --dry-run -Werror "$f" > /dev/null 2>&1; then echo "$f"; bad=1; fi
    done
    exit $bad ;;
  --list) all ;;
  "") all | xargs "$CF" -i ;;
  *) "$CF" -i "$@" ;;
esac
