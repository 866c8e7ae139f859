/*
 * webparse.h - the dashboard's parsers for what a browser sends: a form body
 * (application/x-www-form-urlencoded), a query string, a Cookie header. They
 * take hostile input: never read past the given length, check every %-escape,
 * refuse NUL bytes, and hand back only valid UTF-8 values. No allocation.
 *
 * Every function answers 1 when the key was found (its decoded value in out,
 * NUL-terminated), 0 when it was not (out is ""), -1 when the input is
 * malformed, the key appears more than once, or the value does not fit in
 * outlen bytes with its NUL (out is "" too; a caller treats -1 as a refusal).
 */
#ifndef HUB_WEBPARSE_H
#define HUB_WEBPARSE_H

#include <stddef.h>

/* The decoded value of 'key' in the first len bytes of an urlencoded form
 * ('&'-separated "key=value" pairs, '+' for space, %XX escapes). The whole
 * form must be well formed: a bad escape or a NUL byte in any pair, or a
 * pair without a key, makes it -1. A pair "key" without '=' has value "". */
int hub_form_value(const char *form, size_t len, const char *key, char *out, size_t outlen);

/* The same for a NUL-terminated query string (the part after '?'; NULL: 0). */
int hub_query_value(const char *query, const char *key, char *out, size_t outlen);

/* The value of the cookie 'name' in a NUL-terminated Cookie header
 * ("a=1; b=2"; NULL: 0). Values are not %-decoded (RFC 6265); one in double
 * quotes is unquoted. The named cookie's value must be cookie-octets only;
 * other cookies are skipped whatever they hold. A name sent twice is -1:
 * a cookie set for another path or by a sibling host must not be taken
 * for ours. */
int hub_cookie_value(const char *header, const char *name, char *out, size_t outlen);

#endif
