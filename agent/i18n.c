/*
 * i18n.c - Vietnamese or English. gettext only translates when setlocale()
 * accepted a locale, and many laptops lack a generated vi_VN locale: then we
 * fall back to C.UTF-8 (always present in glibc) and ask for Vietnamese
 * through $LANGUAGE, which gettext honours in any locale except plain "C".
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"

#ifndef MAIAM_LOCALEDIR
#define MAIAM_LOCALEDIR "/usr/share/locale"
#endif

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

void agent_i18n_init(void)
{
	const char *dir = getenv("MAIAM_LOCALEDIR");
	const char *want = messages_locale();

	if (!setlocale(LC_ALL, "")) {
		if (!setlocale(LC_ALL, "C.UTF-8"))
			setlocale(LC_ALL, "C");
		if (strncmp(want, "vi", 2) == 0) {
			const char *lang = getenv("LANGUAGE");

			if (!lang || !*lang)
				setenv("LANGUAGE", "vi", 1);
		}
	}
	/* Numbers in files and JSON are always written the C way. */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain("maiam-agent", dir && *dir ? dir : MAIAM_LOCALEDIR);
	bind_textdomain_codeset("maiam-agent", "UTF-8");
	textdomain("maiam-agent");
}
