/* SPDX-License-Identifier: MIT */
/*
 * base/i18n.h -- messages through the "quarter" gettext catalogue.
 *
 *   _("text")   the translation of text in the current language (a msgid is
 *               the English text; po/zh_CN.po gives the Chinese)
 *   P_("%zu row", "%zu rows", n)   singular/plural (Chinese has one form)
 *   N_("text")  marks text for the catalogue where it cannot be translated
 *               yet (static tables); translate it with _() where it is used
 *   C_("ctx", "text")  _() of a text in a context: the same English in two
 *               places may need two translations ("; " between the grade's
 *               reasons is "；"); the catalogue keys it as ctx "\004" text
 *
 * dgettext() names the domain itself, so the library never calls
 * textdomain() and keeps no state of its own: it is reentrant, and without a
 * catalogue (a program that never binds one, the unit tests) every message
 * stays English.  The CLI (cli/main.c) chooses the language -- zh_CN unless
 * the locale or --lang says English -- and binds the catalogue directory.
 * How to add a message: docs/i18n.md.
 */
#ifndef QUARTER_BASE_I18N_H
#define QUARTER_BASE_I18N_H

#include <libintl.h>

#define QT_TEXTDOMAIN    "quarter"
#define _(s)             dgettext(QT_TEXTDOMAIN, s)
#define N_(s)            s
#define P_(one, many, n) dngettext(QT_TEXTDOMAIN, one, many, (unsigned long)(n))
#define C_(ctx, s)       qt__pgettext(ctx "\004" s, s)

/* gettext's pgettext: the translation of key (ctx "\004" text), else text */
__attribute__((format_arg(2))) static inline const char *qt__pgettext(const char *key, const char *text)
{
    const char *t = dgettext(QT_TEXTDOMAIN, key);
    return t == key ? text : t;
}

#endif
