/*
 * refusal.c - the table of the hub's refusal codes (refusal.h). The codes
 * are the wire: hub/ingest*.c, hub/enrol.c, hub/route_*.c and hub/server.c
 * send them. A code the hub adds later falls back to the hub's own words.
 */
#include <string.h>
#include "agent.h"
#include "refusal.h"
#include "utf8.h"

typedef struct refusal {
	const char *code;
	const char *sentence; /* N_(): translated when shown */
} refusal;

static const refusal refusals[] = {
	/* a change-set refused as a whole */
	{ "too_many_records",
	  N_("the change-set holds more records than the hub takes at once; nothing of it was applied and the records stay on this laptop: tell the operator, who can raise the hub's limit") },
	{ "too_much_text",
	  N_("the change-set holds more text than the hub takes at once; nothing of it was applied and the records stay on this laptop: tell the operator, who can raise the hub's limit") },
	{ "too_large",
	  N_("the change-set is larger than the hub takes; nothing of it was applied: tell the operator, who can raise the hub's limit") },
	{ "invalid",
	  N_("a value in the change-set breaks the campaign's rules; nothing of it was applied: check the records named and record the value again, correctly") },
	{ "malformed",
	  N_("the hub could not read what this laptop sent; nothing was applied: ask the operator which maiam-agent version the hub needs") },
	{ "foreign_id",
	  N_("a record carries the id of another laptop; nothing of the change-set was applied: tell the operator") },
	{ "relayed_record",
	  N_("a record was written by another laptop, and a laptop sends only its own; nothing of the change-set was applied: tell the operator") },
	{ "out_of_scope",
	  N_("a record is outside this laptop's area; nothing of the change-set was applied: check the household's commune, or ask the operator to widen the laptop's area") },
	{ "photo_target_unknown",
	  N_("a photo is evidence for a household or milestone the hub does not hold; nothing of the change-set was applied: run 'maiam-agent sync' again, and tell the operator if it stays") },
	{ "photo_target_voided",
	  N_("a photo is evidence for a milestone that was voided; nothing of the change-set was applied: attach the photo to the milestone that replaced it") },
	{ "too_many_photos",
	  N_("a household or milestone would have more photos than the hub takes for one; nothing of the change-set was applied: keep the few photos that show the work, and tell the operator") },
	{ "hub_only_field",
	  N_("a record sets the review status, which only the hub decides; nothing of the change-set was applied: tell the operator") },
	{ "wrong_campaign",
	  N_("the hub serves another campaign than this laptop; nothing was applied: ask the operator") },
	{ "bad_signature",
	  N_("the change-set does not verify with this laptop's key; nothing was applied: run 'maiam-agent check' and tell the operator") },
	{ "origin_mismatch",
	  N_("the change-set belongs to another laptop than the one that sent it; nothing was applied: tell the operator") },
	{ "clock_ahead",
	  N_("this laptop's date and time are more than a day ahead of the hub; nothing was applied: set the clock right, then sync again") },
	{ "gap",
	  N_("the hub lacks earlier change-sets of this laptop: run 'maiam-agent sync' again, and tell the operator if this repeats") },
	{ "fork",
	  N_("the hub holds a different history of this laptop's change-sets: do not sync again, and ask the operator to compare it with 'maiam-agent check'") },
	{ "quota_exceeded",
	  N_("this laptop has reached the hub's daily limit; nothing is lost: sync again tomorrow, or ask the operator to raise the limit") },
	/* this laptop's enrolment */
	{ "unknown_agent",
	  N_("this laptop is not enrolled at this hub: enrol it with a token or an enrolment file from the operator ('maiam-agent enroll')") },
	{ "revoked",
	  N_("the operator revoked this laptop: ask the province for a new enrolment token, then run 'maiam-agent enroll' again") },
	{ "token_unknown",
	  N_("the enrolment token is not known to this hub: check it, or ask the operator for a new one") },
	{ "token_used", N_("the enrolment token was already used: ask the operator for a new one") },
	{ "token_expired", N_("the enrolment token has expired: ask the operator for a new one") },
	{ "token_revoked", N_("the enrolment token was revoked: ask the operator for a new one") },
	{ "already_enrolled",
	  N_("this laptop's key is already enrolled at this hub: run 'maiam-agent sync'") },
	{ "bad_public_key",
	  N_("the hub did not accept this laptop's public key: ask the operator which maiam-agent version the hub needs") },
	{ "certificate_required",
	  N_("the hub wants this laptop's certificate and got none: check the enrolment files in the home, or enrol again") },
	/* the request itself */
	{ "bad_request",
	  N_("the hub did not understand the request: ask the operator which maiam-agent version the hub needs") },
	{ "not_found",
	  N_("the hub does not know this request: ask the operator which maiam-agent version the hub needs") },
	{ "method_not_allowed",
	  N_("the hub does not know this request: ask the operator which maiam-agent version the hub needs") },
	{ "rate_limited",
	  N_("the hub has had too many requests from this network; nothing is lost: try again in a few minutes") },
	{ "busy", N_("the hub is busy; nothing is lost: try again in a few minutes") },
	{ "internal",
	  N_("the hub has an internal problem; nothing is lost: try again later, and tell the operator if this repeats") },
};

const char *agent_refusal_sentence(const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
		if (strcmp(refusals[i].code, code) == 0)
			return _(refusals[i].sentence);
	return NULL;
}

void agent_refusal_text(const char *code, const char *hub_message, char *out, size_t n)
{
	const char *known = agent_refusal_sentence(code);

	if (!out || n == 0)
		return;
	if (known)
		snprintf(out, n, "%s", known);
	else if (hub_message && *hub_message)
		/* TRANSLATORS: %s is the hub's own sentence, in English: keep the quotes */
		snprintf(out, n, _("the hub says, in its own words: \"%s\""), hub_message);
	else
		snprintf(out, n, "%s", _("the hub gave no reason: tell the operator"));
}

void agent_hub_refusal(const agent_http *h, char *out, size_t n)
{
	const char *json = (const char *)h->body.data;
	char code[48], msg[512];

	if (json && agent_json_get_str(json, h->body.len, "error", code, sizeof code) == 1 &&
	    agent_refusal_sentence(code)) {
		agent_refusal_text(code, NULL, out, n);
		return;
	}
	/* an unknown code: the hub's words, marked as such (one line, no
	 * terminal control: shown, not trusted), or its HTTP status when it
	 * said nothing */
	if (json && agent_json_get_str(json, h->body.len, "message", msg, sizeof msg) == 1 && *msg) {
		agent_utf8_printable(msg);
		agent_refusal_text(NULL, msg, out, n);
		return;
	}
	agent_http_message(h, out, n);
}
