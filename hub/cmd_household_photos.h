/*
 * cmd_household_photos.h - the photos section of maiam-hub household show
 * (cmd_household_photos.c), apart from cmd_household.c.
 */
#ifndef HUB_CMD_HOUSEHOLD_PHOTOS_H
#define HUB_CMD_HOUSEHOLD_PHOTOS_H

#include <stddef.h>
#include "maiam/proto.h"
#include "ctx.h"

/*
 * Print the household's photos (not voided), those of each milestone under
 * it and those of the household itself: in text a "photos:" section, its
 * title padded to width and none_word when there is none; in JSON the
 * member ', "photos": [...]' with every field. Whether the hub holds each
 * photo's bytes is said. HUB_OK, or HUB_EDB (the caller says so; JSON
 * may be cut off).
 */
hub_result hub_household_photos_show(const hub_ctx *ctx, proto_id id, int json, size_t width,
				     const char *none_word);

#endif
