/*
 * jsonread.c - reading the hub's JSON answers with jansson, the one JSON
 * parser of the project (README, Dependencies): duplicate members, invalid
 * UTF-8, escaped NULs and nesting past jansson's depth limit are refused, so
 * a malformed or hostile answer is an error, never a misreading.
 */
#include <assert.h>
#include <string.h>
#include <jansson.h>
#include "net.h"

/* Parse the whole text (len bytes, no NUL needed) as one JSON object. */
static json_t *load_object(const char *json, size_t len)
{
	json_error_t err;
	json_t *root;

	if (!json)
		return NULL;
	/* JSON_ALLOW_NUL stays off: "\u0000" cannot reach a C string */
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (root && !json_is_object(root)) {
		json_decref(root);
		root = NULL;
	}
	return root;
}

/* path's value: 1 with *at set (borrowed from root), 0 absent, -1 not an object on the way. */
static int find(json_t *root, const char *path, json_t **at)
{
	const char *dot = strchr(path, '.');
	char outer[64];
	json_t *o;

	if (!dot) {
		*at = json_object_get(root, path);
		return *at ? 1 : 0;
	}
	if ((size_t)(dot - path) >= sizeof outer)
		return 0;
	memcpy(outer, path, (size_t)(dot - path));
	outer[dot - path] = '\0';
	o = json_object_get(root, outer);
	if (!o)
		return 0;
	if (!json_is_object(o))
		return 0; /* as before: "a.b" where a is no object is simply absent */
	*at = json_object_get(o, dot + 1);
	return *at ? 1 : 0;
}

/* Find path in the object json and hand its value to take (which returns
 * 0 when it took it): 1 taken, 0 absent, -1 malformed or refused by take. */
static int get(const char *json, size_t len, const char *path,
	       int (*take)(const json_t *v, void *out, size_t n), void *out, size_t n)
{
	json_t *root = load_object(json, len), *v = NULL;
	int rc = -1;

	if (root) {
		rc = find(root, path, &v);
		if (rc == 1 && take(v, out, n) != 0)
			rc = -1;
	}
	json_decref(root);
	return rc;
}

static int take_str(const json_t *v, void *out, size_t n)
{
	if (!json_is_string(v) || json_string_length(v) >= n)
		return -1;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int take_int(const json_t *v, void *out, size_t n)
{
	assert(n == sizeof(int64_t));
	/* 1.5 and 1e3 are reals, not integers; jansson refuses what overflows */
	if (!json_is_integer(v))
		return -1;
	*(int64_t *)out = (int64_t)json_integer_value(v);
	return 0;
}

int agent_json_get_str(const char *json, size_t len, const char *path, char *out, size_t outlen)
{
	if (outlen == 0)
		return -1;
	return get(json, len, path, take_str, out, outlen);
}

int agent_json_get_int(const char *json, size_t len, const char *path, int64_t *out)
{
	return get(json, len, path, take_int, out, sizeof *out);
}
