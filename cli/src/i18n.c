/*
 * i18n.c - Vietnamese or English. gettext only translates when setlocale()
 * accepted a locale, and many machines lack a generated vi_VN locale: then we
 * fall back to C.UTF-8 (always present in glibc) and ask for Vietnamese
 * through $LANGUAGE, which gettext honours in any locale except plain "C".
 */
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/i18n.h"

/* The first of LC_ALL, LC_MESSAGES, LANG that is set: POSIX precedence. */
static const char *messages_locale(void)
{
	const char *names[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(names[i]);

		if (v && *v)
			return v;
	}
	return "";
}

/* What gettext will do: nothing in the "C" locale, else $LANGUAGE's first
 * choice if set, else the messages locale. */
static int speaks_vietnamese(void)
{
	const char *loc = setlocale(LC_MESSAGES, NULL);
	const char *lang = getenv("LANGUAGE");

	if (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
		return 0;
	return strncmp(lang && *lang ? lang : loc, "vi", 2) == 0;
}

int cli_i18n_init(const char *domain, const char *library_domain, const char *dir)
{
	const char *env_dir = getenv("MAIAM_LOCALEDIR");
	const char *want = messages_locale();
	int vietnamese;

	if (!setlocale(LC_ALL, "")) {
		if (!setlocale(LC_ALL, "C.UTF-8"))
			setlocale(LC_ALL, "C");
		if (strncmp(want, "vi", 2) == 0) {
			const char *lang = getenv("LANGUAGE");

			if (!lang || !*lang)
				setenv("LANGUAGE", "vi", 1);
		}
	}
	vietnamese = speaks_vietnamese();
	setlocale(LC_NUMERIC, "C");
	if (env_dir && *env_dir)
		dir = env_dir;
	bindtextdomain(domain, dir);
	bind_textdomain_codeset(domain, "UTF-8");
	if (library_domain) {
		bindtextdomain(library_domain, dir);
		bind_textdomain_codeset(library_domain, "UTF-8");
	}
	textdomain(domain);
	return vietnamese;
}
