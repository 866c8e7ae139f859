/*
 * maiam/i18n.h - the language both programs speak: Vietnamese where the user's
 * locale (or $LANGUAGE) asks for it, English under LANG=C. One function so
 * that maiam-agent and maiam-hub choose it the same way.
 */
#ifndef MAIAM_I18N_H
#define MAIAM_I18N_H

/*
 * Set the process's locale from the environment and bind the gettext domain
 * (the program's, made the default) and library_domain (a library's own
 * messages, read through dgettext: PROTO_TEXTDOMAIN; NULL for none) to dir
 * ($MAIAM_LOCALEDIR, when set and not empty, wins: the tests point it at the
 * build's catalogues). Where the asked-for locale is not generated on
 * this machine (many laptops lack vi_VN), C.UTF-8 is used and Vietnamese is
 * asked through $LANGUAGE. LC_NUMERIC stays "C": numbers in files and JSON
 * are always written the C way.
 * Returns 1 when messages will be Vietnamese, 0 when English.
 */
int cli_i18n_init(const char *domain, const char *library_domain, const char *dir);

#endif
