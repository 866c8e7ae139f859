/*
 * cmd_refusal.c - what 'maiam-hub import' says of a refused change-set or
 * enrolment claim, in the operator's language (cmd.h). The hub's own
 * message is English on purpose: it also goes to a laptop in an HTTP answer
 * and into the reconcile queue. So the operator reads a sentence chosen by
 * the refusal code (what happened, what to do at the hub), and the hub's
 * English only where no sentence was translated (LANG=C, or a code this
 * table does not know): that English names the record, which the
 * reconcile queue also keeps.
 */
#include <stdio.h>
#include <string.h>
#include "ctx.h"
#include "cmd.h"
#include "i18n.h"

typedef struct refusal {
	const char *code;     /* as hub_ingest and hub_enrol give it */
	const char *sentence; /* N_(): translated when shown */
} refusal;

static const refusal refusals[] = {
	/* a change-set */
	{ "unknown_agent",
	  N_("the laptop that made it is not enrolled at this hub: enrol it ('maiam-hub agent add',"
	     " with --file for a laptop on USB), then import its bundle again") },
	{ "revoked", N_("the laptop that made it was revoked: nothing from it is taken; a new laptop needs a"
			" new token ('maiam-hub agent add --replaces')") },
	{ "malformed",
	  N_("the item is not a readable change-set: the file is damaged or from another maiam-agent"
	     " version; export it again on the laptop") },
	{ "origin_mismatch",
	  N_("the change-set belongs to another laptop than the one that sent it; nothing of it was"
	     " applied") },
	{ "too_large", N_("the change-set is larger than this hub takes; nothing of it was applied: import it"
			  " again with a higher --max-sealed-bytes") },
	{ "too_many_records",
	  N_("the change-set holds more records than this hub takes at once; nothing of it was"
	     " applied: import it again with a higher --max-records") },
	{ "too_much_text",
	  N_("the change-set holds more text than this hub takes at once; nothing of it was applied:"
	     " import it again with a higher --max-text-bytes") },
	{ "bad_signature",
	  N_("the change-set does not verify with its laptop's key: it was altered or not signed by"
	     " that laptop; nothing of it was applied") },
	{ "invalid",
	  N_("a value in the change-set breaks the campaign's rules; nothing of it was applied: the"
	     " commune corrects the record and exports again ('maiam-hub report reconcile' names"
	     " it)") },
	{ "wrong_campaign",
	  N_("the change-set is for another campaign than the one this hub serves; nothing of it was"
	     " applied") },
	{ "foreign_id", N_("a record carries the id of another laptop; nothing of the change-set was applied"
			   " ('maiam-hub report reconcile' names it)") },
	{ "relayed_record",
	  N_("a record was written by another laptop, and a laptop sends only its own; nothing of the"
	     " change-set was applied") },
	{ "hub_only_field",
	  N_("a record sets the review status, which only the hub decides; nothing of the change-set"
	     " was applied") },
	{ "out_of_scope",
	  N_("a record is outside the laptop's area; nothing of the change-set was applied: check the"
	     " household's commune, or give the laptop a wider area ('maiam-hub report reconcile'"
	     " names the record)") },
	{ "fork", N_("the hub holds a different history of this laptop's change-sets: compare it with"
		     " 'maiam-agent check' on the laptop before importing more from it") },
	{ "gap", N_("the hub lacks earlier change-sets of this laptop: import its earlier bundles first,"
		    " then this one again") },
	{ "quota_exceeded",
	  N_("the laptop has reached its daily limit; nothing is lost: import again tomorrow, or with"
	     " a higher --day-records or --day-bytes") },
	{ "clock_ahead", N_("the change-set carries times more than a day ahead of this hub's clock: set the"
			    " laptop's date and time right, then export again") },
	/* an enrolment claim (the first item of a laptop enrolled from a file) */
	{ "bad_claim", N_("the laptop's enrolment claim does not verify or is for another campaign: its"
			  " change-sets cannot be taken; make a new enrolment file for the commune"
			  " ('maiam-hub agent add --file')") },
	{ "token_unknown", N_("the enrolment token is not known to this hub: make a new enrolment file"
			      " ('maiam-hub agent add --file')") },
	{ "token_used", N_("the enrolment token was already used by another laptop: make a new enrolment file"
			   " ('maiam-hub agent add --file')") },
	{ "token_expired", N_("the enrolment token has expired: make a new enrolment file ('maiam-hub agent add"
			      " --file')") },
	{ "token_revoked", N_("the enrolment token was revoked: make a new enrolment file ('maiam-hub agent add"
			      " --file')") },
	{ "already_replaced",
	  N_("the revoked laptop this token replaces already has a successor: make a new token") },
	{ "already_enrolled", N_("this laptop's key is already enrolled at this hub") },
};

const char *hub_refusal_text(const char *code, const char *detail)
{
	const char *said;

	for (size_t i = 0; code && i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		if (strcmp(refusals[i].code, code) != 0)
			continue;
		/* gettext gives its very argument back when it has no
		 * translation: then the hub's English, which names the record */
		said = _(refusals[i].sentence);
		if (said != refusals[i].sentence || !detail || !*detail)
			return said;
		break;
	}
	return detail && *detail ? detail : _("no reason given");
}
