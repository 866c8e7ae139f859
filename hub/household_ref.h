/*
 * household_ref.h - a household as people name it to the hub: its full id
 * (0123456789abcdef-12, as listings print it) or the short reference a field
 * worker reads on the phone (36S0-2, as the laptop prints it and every
 * household stores in its ref field). Refs are short, so two households
 * may share one: then the caller lists the candidates and asks for the id.
 */
#ifndef HUB_HOUSEHOLD_REF_H
#define HUB_HOUSEHOLD_REF_H

#include <stddef.h>
#include "store.h"

#define HUB_REF_MAX 32 /* bytes of a normalized ref, NUL included */

/* How many households a typed name matches. */
typedef enum hub_ref_match {
	HUB_REF_NONE = 0,  /* well formed, but no household at the hub */
	HUB_REF_ONE,       /* exactly one: its id is set */
	HUB_REF_MANY,      /* a ref that several households share */
	HUB_REF_MALFORMED, /* neither a full id nor a short reference */
} hub_ref_match;

/*
 * A typed short reference in the form households store it: four Crockford
 * base32 digits in capitals, '-', the serial without leading zeros. Typing
 * slips a listener makes are forgiven: any case, I or L for 1, O for 0.
 * 0 and out set, or -1 if typed is no short reference.
 */
int hub_ref_normalize(const char *typed, char out[HUB_REF_MAX]);

/* What typed names at the hub: *match, and *id when HUB_REF_ONE. */
hub_result hub_household_resolve(sqlite3 *db, const char *typed, proto_id *id, hub_ref_match *match);

/* Every household a typed short reference names (the candidates of
 * HUB_REF_MANY), handed to cb; nothing for text that is no reference. */
hub_result hub_household_ref_each(sqlite3 *db, const char *typed, hub_household_cb cb, void *arg);

/*
 * hub_household_resolve for a command: HUB_OK with *id, or HUB_REFUSED with
 * err saying what is wrong and what to do (for HUB_REF_MANY: the candidates,
 * each with its ref, name, commune and full id), or HUB_EDB (err has
 * SQLite's words). *match (may be NULL) tells a malformed text, a usage
 * mistake, from one that names nothing or too much. err is for the
 * operator's terminal, in the operator's language (hub/i18n.h).
 */
hub_result hub_household_name(sqlite3 *db, const char *typed, proto_id *id, hub_ref_match *match,
			      char *err, size_t errlen);

#endif
