/*
 * ingest_int.h - the steps ingest.c shares with ingest_open.c. Each returns
 * HUB_OK, HUB_REFUSED (v says why, not yet recorded) or HUB_EDB.
 */
#ifndef HUB_INGEST_INT_H
#define HUB_INGEST_INT_H

#include <stdbool.h>
#include "ctx.h"
#include "ingest.h"
#include "store.h"

/* The sender's enrolment, as this connection sees it. */
hub_result hub_ingest_agent(hub_ctx *ctx, uint64_t origin, hub_agent *agent, hub_verdict *v);
/* Everything that needs no write; on HUB_OK *cs holds the records (release
 * it); *on_content marks a refusal on content, which takes its chain place. */
hub_result hub_ingest_open_step(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer,
				hub_agent *agent, proto_changeset *cs, hub_verdict *v, bool *on_content);
/* The rulebook over every record, with the day it was received. */
hub_result hub_ingest_rules(hub_ctx *ctx, const proto_changeset *cs, hub_verdict *v);

#endif
