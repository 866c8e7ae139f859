/*
 * json.h - the small JSON the protocol needs (json.c).
 */
#ifndef HUB_JSON_H
#define HUB_JSON_H

#include <stddef.h>
#include "maiam/proto.h"
#include "result.h"

/* Append s as a JSON string (with quotes), or null when s is NULL:
 * HUB_OK, or HUB_ENOMEM (memory or b's cap). */
hub_result hub_json_str(proto_buf *b, const char *s);
/* Find "key": "string" in a flat JSON object; value copied, unescaped. 1/0/-1 (malformed). */
int hub_json_get_str(const char *json, size_t len, const char *key, char *out, size_t outlen);
/* Append a JSON error object (as hub_json_str). */
hub_result hub_json_error(proto_buf *b, const char *code, const char *message);

#endif
