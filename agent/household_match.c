/*
 * household_match.c - the households a search text names (household_match.h):
 * "household find" and the app's households page both ask here.
 */
#include <stdlib.h>
#include <string.h>
#include "household_match.h"
#include "maiam/text.h"
#include "maiam/schema.h"

int agent_hh_match_init(agent_hh_match *m, const char *text)
{
	memset(m, 0, sizeof *m);
	m->folded = proto_fold(text);
	if (!m->folded)
		return -1;
	if (strlen(text) >= 3 && strspn(text, "0123456789") == strlen(text)) {
		m->digits = strdup(text);
		if (!m->digits) {
			agent_hh_match_release(m);
			return -1;
		}
	}
	m->has_ref = agent_ref_normalize(text, m->ref) == 0;
	m->has_id = agent_id_parse(text, &m->id) == 0;
	return 0;
}

int agent_hh_match_row(const agent_hh_match *m, const agent_row *row)
{
	char *name;
	int hit;

	if (m->has_id && proto_id_eq(m->id, row->id))
		return 1;
	if (m->has_ref && row->v[PROTO_HH_REF] && strcmp(row->v[PROTO_HH_REF], m->ref) == 0)
		return 1;
	if (m->digits && row->v[PROTO_HH_NATIONAL_ID] && strstr(row->v[PROTO_HH_NATIONAL_ID], m->digits))
		return 1;
	if (!row->v[PROTO_HH_NAME] || !*m->folded)
		return 0;
	name = proto_fold(row->v[PROTO_HH_NAME]);
	if (!name)
		return -1;
	hit = strstr(name, m->folded) != NULL;
	free(name);
	return hit;
}

void agent_hh_match_release(agent_hh_match *m)
{
	free(m->folded);
	free(m->digits);
	memset(m, 0, sizeof *m);
}
