#!/usr/bin/python3
"""quarter(1) from the commands' own --help, so the manual cannot drift.

  manpage.py QUARTER VERSION OUT.1

Runs `QUARTER --help` for the command list and `QUARTER CMD --help` (and
`QUARTER CMD SUB --help` for the subcommands a command lists, e.g. graph
build) for each section.  The page has no date: it is byte-identical for one
binary.  tests/install checks the installed page against --help.
"""
import re
import subprocess
import sys

quarter, version, out = sys.argv[1], sys.argv[2], sys.argv[3]


def helptext(*args):
    # the English page (quarter speaks Chinese by default; docs/i18n.md)
    r = subprocess.run([quarter, "--lang", "en", *args, "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{quarter} {' '.join(args)} --help: exit {r.returncode}: {r.stderr}")
    return r.stdout.rstrip("\n")


def roff(text):
    lines = []
    for line in text.split("\n"):
        line = line.replace("\\", "\\e")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


top = helptext()
cmds = re.findall(r"^  ([a-z]+)\s{2,}(.*)$", top.split("Commands:")[1], re.M)
page = [f'.TH QUARTER 1 "" "quarter {version}" "User Commands"',
        ".SH NAME",
        "quarter \\- walking accessibility for 15-minute convenient living circles (一刻钟便民生活圈)",
        ".SH SYNOPSIS",
        ".B quarter",
        "[\\-\\-version] [\\-\\-help] COMMAND [ARGS]",
        ".SH DESCRIPTION",
        ".nf",
        roff(top),
        ".fi",
        ".SH COMMANDS"]
for name, what in cmds:
    text = helptext(name)
    page += [f".SS quarter {name}", roff(what), ".PP", ".nf", roff(text), ".fi"]
    first = text.split("\n", 1)[0]
    subs = re.match(r"usage: quarter [a-z]+ ([a-z]+(?:\|[a-z]+)+)\b", first)
    if subs and "[" not in subs.group(1):
        for sub in subs.group(1).split("|"):
            r = subprocess.run([quarter, "--lang", "en", name, sub, "--help"], capture_output=True, text=True)
            if r.returncode == 0 and r.stdout.strip() and r.stdout.strip() != text.strip():
                page += [f".SS quarter {name} {sub}", ".nf", roff(r.stdout.rstrip()), ".fi"]
page += [".SH EXIT STATUS",
         "0 ok, 1 bad input data, 2 bad command line, 3 file I/O error, 4 out of memory, 5 internal error.",
         ".SH SEE ALSO",
         "docs/cli.md, docs/http-api.md and docs/internals/ in the source tree."]
with open(out + ".tmp", "w", encoding="utf-8") as f:
    f.write("\n".join(page) + "\n")
import os
os.replace(out + ".tmp", out)
