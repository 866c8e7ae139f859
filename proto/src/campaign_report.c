/*
 * campaign_report.c - the [report] section of a campaign file: the heading
 * of the final report (hub/report/final.c) in the Vietnamese administrative
 * layout: who issues it ("issuing_body = Công an tỉnh Sóc Trăng", and
 * optionally the body above it, "superior = Bộ Công an"), its number
 * ("number = …/BC-CAT": what follows "Số: "; the clerk writes the number
 * where the file leaves "…"), the place it is signed at ("place = Sóc
 * Trăng"), the signer's title ("signer = GIÁM ĐỐC") and optionally who
 * receives it ("recipients = UBND tỉnh; Sở Nội vụ; Lưu: VT"). The section
 * is optional; when present, its four required keys must all be set
 * (docs/CAMPAIGN.md, "[report]").
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "campaign_int.h"

/* The keys of [report], in the order of campaign_report_lines.line. */
static const char *const report_keys[CAMPAIGN_REPORT_NKEYS] = {
	"issuing_body", "number", "place", "signer", "superior", "recipients",
};
/* The first CAMPAIGN_REPORT_REQUIRED keys above must be set. */
#define CAMPAIGN_REPORT_REQUIRED 4

/* Where key i of [report] is kept in the campaign. */
static char **report_slot(proto_report_heading *h, int i)
{
	char **slots[CAMPAIGN_REPORT_NKEYS] = {
		&h->issuing_body, &h->number, &h->place, &h->signer, &h->superior, &h->recipients,
	};
	return slots[i];
}

proto_result campaign_report_add(proto_report_heading *h, campaign_report_lines *at, const char *k,
				 size_t kn, const char *v, size_t vn, const char *path, long lineno,
				 char *err, size_t errlen)
{
	char **slot;
	int i;

	for (i = 0; i < CAMPAIGN_REPORT_NKEYS; i++)
		if (strlen(report_keys[i]) == kn && memcmp(report_keys[i], k, kn) == 0)
			break;
	if (i == CAMPAIGN_REPORT_NKEYS) {
		campaign_err(err, errlen, path, lineno,
			     "unknown key '%.*s' in [report]; known: issuing_body, number, place, "
			     "signer, superior, recipients",
			     (int)kn, k);
		return PROTO_EVALUE;
	}
	if (at->line[i]) {
		campaign_err(err, errlen, path, lineno,
			     "key '%s' appears twice in [report] (first on line %ld); keep one",
			     report_keys[i], at->line[i]);
		return PROTO_EVALUE;
	}
	slot = report_slot(h, i);
	*slot = proto_strndup(v, vn);
	if (!*slot)
		return PROTO_ENOMEM;
	at->line[i] = lineno;
	return PROTO_OK;
}

proto_result campaign_report_finish(const campaign_report_lines *at, const char *path, long section_line,
				    char *err, size_t errlen)
{
	int i;

	if (!section_line)
		return PROTO_OK; /* no [report]: the hub says so when a final report is asked for */
	for (i = 0; i < CAMPAIGN_REPORT_REQUIRED; i++) {
		if (at->line[i])
			continue;
		campaign_err(err, errlen, path, section_line,
			     "[report] lacks '%s'; set issuing_body, number, place and signer"
			     " (docs/CAMPAIGN.md, \"[report]\")",
			     report_keys[i]);
		return PROTO_EVALUE;
	}
	return PROTO_OK;
}

void campaign_report_release(proto_report_heading *h)
{
	int i;

	for (i = 0; i < CAMPAIGN_REPORT_NKEYS; i++) {
		char **slot = report_slot(h, i);

		free(*slot);
		*slot = NULL;
	}
}
