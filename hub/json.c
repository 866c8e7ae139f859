/*
 * json.c - the little JSON the protocol needs: writing strings and error
 * objects by hand (output only), and reading string members of the one flat
 * object a request carries (enrolment) with jansson, the project's one JSON
 * parser. Anything else in a request body is refused.
 */
#include <string.h>
#include <jansson.h>
#include "json.h"

hub_result hub_json_str(proto_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return proto_buf_append_str(b, "null") ? HUB_ENOMEM : HUB_OK;
	if (proto_buf_append_byte(b, '"'))
		return HUB_ENOMEM;
	for (; *p; p++) {
		int r;
		if (*p == '"' || *p == '\\')
			r = proto_buf_appendf(b, "\\%c", *p);
		else if (*p == '\n')
			r = proto_buf_append_str(b, "\\n");
		else if (*p < 0x20)
			r = proto_buf_appendf(b, "\\u%04x", *p);
		else
			r = proto_buf_append_byte(b, *p);
		if (r)
			return HUB_ENOMEM;
	}
	return proto_buf_append_byte(b, '"') ? HUB_ENOMEM : HUB_OK;
}

hub_result hub_json_error(proto_buf *b, const char *code, const char *message)
{
	if (proto_buf_append_str(b, "{\"error\": ") || hub_json_str(b, code) ||
	    proto_buf_append_str(b, ", \"message\": ") || hub_json_str(b, message) ||
	    proto_buf_append_str(b, "}\n"))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* The enrolment body is one flat object of string members; anything else
 * (a non-string member, a duplicate, invalid UTF-8, an escaped NUL) is
 * refused. */
hub_result hub_json_get_str(const char *s, size_t len, const char *key, char *out, size_t outlen,
			    bool *found)
{
	json_error_t err;
	json_t *root, *v;
	const char *name;
	hub_result rc = HUB_REFUSED;

	*found = false;
	/* JSON_ALLOW_NUL stays off: "\u0000" cannot reach a C string */
	root = json_loadb(s, len, JSON_REJECT_DUPLICATES, &err);
	if (!root || !json_is_object(root))
		goto out;
	json_object_foreach(root, name,
			    v) if (!json_is_string(v)) goto out; /* only string members are part of the protocol */
	v = json_object_get(root, key);
	if (!v) {
		rc = HUB_OK;
		goto out;
	}
	if (json_string_length(v) >= outlen)
		goto out;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	*found = true;
	rc = HUB_OK;
out:
	json_decref(root);
	return rc;
}
