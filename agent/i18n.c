/*
 * i18n.c - Vietnamese or English, chosen as both programs do
 * (cli_i18n_init in maiam/i18n.h). Values follow the messages: in
 * Vietnamese, labels for codes (the store's campaign's, else the built-in
 * ones), dd/mm/yyyy dates and dotted amounts (maiam/labels.h, maiam/text.h);
 * in English the
 * codes and ISO dates that files and --json always keep.
 */
#include <string.h>
#include "agent.h"
#include "maiam/campaign.h"
#include "maiam/i18n.h"
#include "maiam/labels.h"
#include "maiam/text.h"
#include "validate.h"

static int vietnamese;               /* set once by agent_i18n_init; English until then */
static proto_labels campaign_labels; /* agent_labels_use; all NULL: built in */

#ifndef MAIAM_LOCALEDIR
#define MAIAM_LOCALEDIR "/usr/share/locale"
#endif

void agent_i18n_init(void)
{
	vietnamese = cli_i18n_init("maiam-agent", PROTO_TEXTDOMAIN, MAIAM_LOCALEDIR);
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
