/*
 * i18n.c - Vietnamese or English. gettext only translates when setlocale()
 * accepted a locale, and many laptops lack a generated vi_VN locale: then we
 * fall back to C.UTF-8 (always present in glibc) and ask for Vietnamese
 * through $LANGUAGE, which gettext honours in any locale except plain "C".
 * Values follow the messages: in Vietnamese, labels for codes (the store's
 * campaign's, else the built-in ones), dd/mm/yyyy dates and dotted amounts
 * (maiam/labels.h, maiam/text.h); in English the
 * codes and ISO dates that files and --json always keep.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "maiam/labels.h"
#include "maiam/text.h"
#include "validate.h"

static int vietnamese;               /* set once by agent_i18n_init; English until then */
static proto_labels campaign_labels; /* agent_labels_use; all NULL: built in */

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
	vietnamese = speaks_vietnamese();
	/* Numbers in files and JSON are always written the C way. */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain("maiam-agent", dir && *dir ? dir : MAIAM_LOCALEDIR);
	bind_textdomain_codeset("maiam-agent", "UTF-8");
	textdomain("maiam-agent");
}

int agent_lang_vi(void)
{
	return vietnamese;
}

void agent_labels_use(proto_labels *labels)
{
	proto_labels_release(&campaign_labels);
	campaign_labels = *labels;
	memset(labels, 0, sizeof *labels);
}

const proto_labels *agent_labels(void)
{
	return &campaign_labels;
}

const char *agent_label(uint8_t kind, uint8_t field, const char *code)
{
	proto_list list;
	const char *label;

	if (!vietnamese || !code || !proto_list_of(kind, field, &list))
		return code;
	label = proto_label(&campaign_labels, list, code);
	return label ? label : code;
}

void agent_show_date(const char *iso, char out[16])
{
	proto_date_show(iso, vietnamese ? PROTO_DATES_VN : PROTO_DATES_ISO, out, 16);
}

void agent_show_time(const char *text, char *out, size_t n)
{
	const char *rest = text ? strchr(text, ' ') : NULL;
	char instant[40];

	if (!out || n == 0)
		return;
	/* the instant leads; what follows it (the export's path) stays as it is */
	snprintf(instant, sizeof instant, "%.*s", rest ? (int)(rest - text) : 39, text ? text : "");
	proto_time_show(instant, vietnamese ? PROTO_DATES_VN : PROTO_DATES_ISO, out, n);
	if (rest && strlen(out) < n)
		snprintf(out + strlen(out), n - strlen(out), "%s", rest);
}

void agent_show_money(int64_t vnd, char *out, size_t n)
{
	char digits[32];

	proto_amount_show(vnd, vietnamese ? '.' : ',', digits, sizeof digits);
	/* TRANSLATORS: an amount of money; %s is the grouped number */
	snprintf(out, n, _("%s VND"), digits);
}
