/* proto.h - everything the agent and the hub use from the proto library. */
#ifndef MAIAM_PROTO_H
#define MAIAM_PROTO_H
#include "result.h"
#include "alloc.h"
#include "buf.h"
#include "fsutil.h"
#include "hlc.h"
#include "keys.h"
#include "changeset.h"
#include "seal.h"
#include "schema.h"
#include "merge.h"
#include "campaign.h"
#include "rules.h"
#include "hubfile.h"
#endif
