#!/usr/bin/env bash
# Run every tests/cli/cases/NNNN-name/ case: `cmd` is a shell line run with
# $QUARTER (the binary), $DATA (tests/cli/data) and $TMP (a fresh directory).
# expected.rc: the exit code; stderr.pattern / stdout.pattern: fixed strings
# that must each appear; absent: paths (under $TMP) that must not exist after.
set -u
QUARTER=$1
CASES=$2
DATA=$(cd "$CASES/../data" && pwd)
export QUARTER DATA
# the cases check English messages unless they set LANG themselves (quarter's
# default, with no locale or a Chinese one, is Chinese)
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=en_US.UTF-8
pass=0; fail=0
for dir in "$CASES"/*/; do
  name=$(basename "$dir")
  TMP=$(mktemp -d)
  export TMP
  cmd=$(cat "$dir/cmd")
  (cd "$TMP" && eval "$cmd") >"$TMP/.stdout" 2>"$TMP/.stderr" </dev/null
  rc=$?
  ok=1; why=""
  want=$(cat "$dir/expected.rc")
  if [ "$rc" != "$want" ]; then ok=0; why="exit $rc, want $want"; fi
  for stream in stderr stdout; do
    if [ -f "$dir/$stream.pattern" ]; then
      while IFS= read -r pat; do
        [ -z "$pat" ] && continue
        if ! grep -qF -- "$pat" "$TMP/.$stream"; then ok=0; why="$why; $stream lacks '$pat'"; fi
      done < "$dir/$stream.pattern"
    fi
  done
  if [ -f "$dir/absent" ]; then
    while IFS= read -r f; do
      [ -z "$f" ] && continue
      if [ -e "$TMP/$f" ]; then ok=0; why="$why; $f exists"; fi
    done < "$dir/absent"
  fi
  if [ $ok = 1 ]; then pass=$((pass+1)); echo "ok   $name"
  else fail=$((fail+1)); echo "FAIL $name: $why"; echo "--- stderr"; head -5 "$TMP/.stderr"; fi
  rm -rf "$TMP"
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
