/*
 * hub.h - every part of maiam-hub at once, for files that use most of them
 * (the commands, the tests). A file that needs one part includes its header:
 * ctx.h (configuration, context, helpers), result.h (what functions
 * return), schema.h (the tables), store.h (the statements on them),
 * ingest.h, tls.h, json.h, server.h, cmd.h.
 */
#ifndef HUB_H
#define HUB_H

#include "ctx.h"
#include "result.h"
#include "schema.h"
#include "store.h"
#include "ingest.h"
#include "tls.h"
#include "json.h"
#include "server.h"
#include "cmd.h"

#endif
