/*
 * i18n.h - maiam-hub's messages in the operator's language: Vietnamese
 * under a vi locale (or LANGUAGE=vi), English under LANG=C. main() chooses
 * once (cli_i18n_init, maiam/i18n.h); hub/po/vi.po holds the translations and
 * ctest hub_po_complete fails on any message marked here and left out there.
 *
 * What is marked: what the operator reads on the terminal (usage, errors,
 * questions, confirmations). What is not: HTTP answers (a laptop shows a
 * refusal by its code, in its own user's language), the ledger, files and
 * --json, whose words are codes and stay the same in every language.
 */
#ifndef HUB_I18N_H
#define HUB_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
/* a message in a table, translated where it is printed: _(table[i]) */
#define N_(s) (s)

#endif
