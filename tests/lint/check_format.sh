#!/usr/bin/env bash
# The files of tests/lint/formatted.txt are formatted to .clang-format
# (clang-format --dry-run -Werror).  The list grows as files are formatted
# (scripts/format.sh); every listed file must exist.  Skips (77) without
# clang-format.
set -u
top=$1
CF=${CLANG_FORMAT:-clang-format}
command -v "$CF" > /dev/null || { echo "clang-format is missing: apt-get install clang-format"; exit 77; }
cd "$top"
pass=0; fail=0
while IFS= read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  if [ ! -f "$f" ]; then echo "FAIL $f: listed in tests/lint/formatted.txt but missing"; fail=$((fail+1)); continue; fi
  if out=$("$CF" --dry-run -Werror "$f" 2>&1); then pass=$((pass+1))
  else fail=$((fail+1)); echo "FAIL $f is not formatted (scripts/format.sh $f):"; echo "$out" | head -8; fi
done < tests/lint/formatted.txt
echo "$pass passed, $fail failed"
[ $fail = 0 ]
