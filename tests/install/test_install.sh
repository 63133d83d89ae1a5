#!/usr/bin/env bash
# cmake --install into a temporary prefix, then use it as a C programmer would:
# the headers, libquarter (shared and static), quarter.pc, the binary and
# quarter(1); a small program built with `pkg-config --cflags --libs quarter`
# runs against the installed shared library; the manual has a section with
# the usage line of every command's --help.
#   test_install.sh BUILD_DIR [SANITIZE_FLAGS]
set -u
build=$1
san=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass+1)); echo "ok   $1"; else fail=$((fail+1)); echo "FAIL $1"; fi; }

cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log" 2>&1
ok "cmake --install" '[ $? = 0 ] || { cat "$tmp/install.log"; false; }'
p=$tmp/prefix
pc=$(find "$p" -name quarter.pc | head -1)
libdir=$(dirname "$(find "$p" -name 'libquarter.so' | head -1)")
ok "headers installed (quarter.h, quarter/*.h, quarter/version.h)" \
   '[ -f "$p/include/quarter.h" ] && [ -f "$p/include/quarter/nearby.h" ] && [ -f "$p/include/quarter/version.h" ]'
ok "no internal header installed" '! find "$p/include" -name "*internal*" | grep -q .'
ok "libquarter.so and libquarter.a" '[ -e "$libdir/libquarter.so" ] && [ -f "$libdir/libquarter.a" ]'
ok "the shared library exports only qt_ symbols" \
   '! nm -D --defined-only "$libdir/libquarter.so" | awk "{print \$3}" | grep -v "^qt_" | grep -vE "^(_edata|_end|__bss_start|_init|_fini)$" | grep -q .'
ok "quarter.pc" '[ -n "$pc" ] && PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --exists quarter'
ok "bin/quarter" '[ -x "$p/bin/quarter" ] && "$p/bin/quarter" --version | grep -q "^quarter [0-9]"'
ok "share/man/man1/quarter.1" '[ -f "$p/share/man/man1/quarter.1" ]'

cat > "$tmp/prog.c" <<'C'
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <quarter.h>

int main(void)
{
    qt_graph_builder *b;
    qt_graph *g;
    qt_search *s;
    qt_seed seed = {0, 0};
    qt_error err = QT_ERROR_INIT;
    if (strcmp(qt_version(), QT_VERSION_STRING) != 0)
        return 10;
    if (qt_graph_builder_new(&b, &err) != QT_OK || qt_graph_builder_add_node(b, 1, 118.78, 32.04, &err) != QT_OK ||
        qt_graph_builder_add_node(b, 2, 118.79, 32.04, &err) != QT_OK ||
        qt_graph_builder_add_edge(b, 1, 2, 950, 1, &err) != QT_OK || qt_graph_builder_finish(b, &g, &err) != QT_OK)
        return 11;
    qt_graph_builder_free(b);
    if (qt_search_new(g, &s, &err) != QT_OK || qt_search_run(s, &seed, 1, INFINITY, 0, &err) != QT_OK)
        return 12;
    printf("quarter %s: %u nodes, %.0f m, %s\n", qt_version(), qt_graph_node_count(g),
           qt_search_dist(s, qt_graph_find_node(g, 2)), qt_status_name(QT_EPARSE));
    qt_search_free(s);
    qt_graph_free(g);
    return 0;
}
C
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs quarter 2>&1)
ok "pkg-config --cflags --libs quarter" '[ -n "$flags" ] && echo "$flags" | grep -q -- "-lquarter"'
cc -std=c11 -Wall -Werror $san "$tmp/prog.c" -o "$tmp/prog" $flags -lm > "$tmp/cc.log" 2>&1
ok "a program builds against the installed library" '[ $? = 0 ] || { cat "$tmp/cc.log"; false; }'
out=$(LD_LIBRARY_PATH=$libdir "$tmp/prog" 2>&1)
ok "and runs on libquarter.so: $out" '[ "$out" = "quarter $("$p/bin/quarter" --version | cut -d" " -f2): 2 nodes, 950 m, QT_EPARSE" ]'
ok "it is linked to the shared library" 'LD_LIBRARY_PATH=$libdir ldd "$tmp/prog" | grep -q "libquarter.so"'

# the manual against --help: every command's section holds its usage line
man=$p/share/man/man1/quarter.1
for c in $("$p/bin/quarter" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
  usage=$("$p/bin/quarter" "$c" --help | head -1)
  ok "quarter(1) has quarter $c: $usage" 'grep -q "^\.SS quarter $c\$" "$man" && sed "s/\\\\e/\\\\/g; s/^\\\\&//" "$man" | grep -qF -- "$usage"'
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
