/* SPDX-License-Identifier: MIT */
/*
 * base/ini.h -- the line format of profiles and project files:
 * `[section arg]` headers and `key = value` lines, '#' or ';' comment lines,
 * '#' after white space starts an inline comment, UTF-8 with optional BOM; a line that is not
 * UTF-8 is read as GBK (GB18030), as Notepad saves "ANSI" on Chinese Windows.
 * The reader calls back once per header and once per key; the callback's
 * status stops the read.  Syntax errors name file:line.
 */
#ifndef QUARTER_BASE_INI_H
#define QUARTER_BASE_INI_H

#include "quarter/status.h"

/* key == NULL: a section header (section, arg may be NULL); else a key and its non-empty value */
typedef qt_status (*qt__ini_fn)(void *ud, int line, const char *section, const char *arg, const char *key,
                                const char *value, qt_error *err);

qt_status qt__ini_read(const char *path, qt__ini_fn fn, void *ud, qt_error *err);

/* s without leading and trailing blanks (spaces, tabs, CR, LF), in place */
char *qt__ini_trim(char *s);

#endif
