/*
 * hubfile.c - the enrolment file and the update file (hubfile.h,
 * proto/FORMAT.md "Hub files"): one signed container of tagged fields, and
 * the two kinds built on it. Each kind lists its fields in a table (tag,
 * type, bounds, required); the reader walks the body once against it, so a
 * field's rules are written in one place for writer and reader alike.
 */
#include <string.h>

#include "maiam/bundle.h"
#include "maiam/hubfile.h"

#define HEAD_LEN (PROTO_HUBFILE_MAGIC_LEN + 4)
#define TAIL_LEN (8 + PROTO_SIG_LEN)
#define FIELD_HEAD 5 /* tag, u32 length */

enum tag {
	TAG_CAMPAIGN = 1,
	TAG_ISSUED = 2,
	TAG_HUB_URL = 3,
	TAG_CA_PEM = 4,
	TAG_HUB_PUB = 5,
	TAG_TOKEN = 6,
	TAG_AREA = 7,
	TAG_EXPIRES = 8,
	TAG_AGENT_PUB = 9,
	TAG_AGENT = 16,
	TAG_AFTER = 17,
	TAG_CURSOR = 18,
	TAG_CLIENT_CERT = 19,
	TAG_ACKED = 20,
	TAG_FEEDBACK = 21,
	TAG_ITEM = 32,
};

enum ftype {
	F_TEXT, /* UTF-8 without NUL, 1..max bytes */
	F_RAW,  /* exactly max bytes */
	F_I64,  /* 8 bytes, big-endian two's complement */
	F_ITEM, /* a sealed change-set, 1..PROTO_BUNDLE_MAX_ITEM bytes; repeats */
};

typedef struct field_rule {
	uint8_t tag;
	uint8_t type;
	uint8_t required;
	size_t max;
	uint8_t since; /* the first version of the kind with the field */
} field_rule;

static const field_rule enrol_rules[] = {
	{ TAG_CAMPAIGN, F_TEXT, 1, PROTO_CAMPAIGN_MAX, 1 },
	{ TAG_ISSUED, F_I64, 1, 8, 1 },
	{ TAG_HUB_URL, F_TEXT, 0, PROTO_HUBFILE_URL_MAX, 1 },
	{ TAG_CA_PEM, F_TEXT, 1, PROTO_HUBFILE_PEM_MAX, 1 },
	{ TAG_HUB_PUB, F_RAW, 1, PROTO_PUBKEY_LEN, 1 },
	{ TAG_TOKEN, F_TEXT, 1, PROTO_HUBFILE_TOKEN_MAX, 1 },
	{ TAG_AREA, F_RAW, 1, 5, 1 },
	{ TAG_EXPIRES, F_I64, 1, 8, 1 },
};

static const field_rule update_rules[] = {
	{ TAG_CAMPAIGN, F_TEXT, 1, PROTO_CAMPAIGN_MAX, 1 },
	{ TAG_ISSUED, F_I64, 1, 8, 1 },
	{ TAG_AGENT, F_RAW, 1, 8, 1 },
	{ TAG_AFTER, F_I64, 1, 8, 1 },
	{ TAG_CURSOR, F_I64, 1, 8, 1 },
	{ TAG_CLIENT_CERT, F_TEXT, 0, PROTO_HUBFILE_PEM_MAX, 1 },
	{ TAG_ACKED, F_I64, 0, 8, 1 },
	{ TAG_FEEDBACK, F_TEXT, 0, PROTO_UPDATE_FEEDBACK_MAX, 2 },
	{ TAG_ITEM, F_ITEM, 0, PROTO_BUNDLE_MAX_ITEM, 1 },
};

static const field_rule claim_rules[] = {
	{ TAG_CAMPAIGN, F_TEXT, 1, PROTO_CAMPAIGN_MAX, 1 },
	{ TAG_ISSUED, F_I64, 1, 8, 1 },
	{ TAG_TOKEN, F_TEXT, 1, PROTO_HUBFILE_TOKEN_MAX, 1 },
	{ TAG_AGENT_PUB, F_RAW, 1, PROTO_PUBKEY_LEN, 1 },
};

/* One field as the body holds it: borrowed bytes. */
typedef struct field_view {
	const uint8_t *p;
	size_t len;
} field_view;

typedef struct kind {
	const char *magic;
	size_t max_file;
	const field_rule *rules;
	size_t nrules;
	uint8_t version; /* takes the rules of this version and earlier */
} kind;

static const kind enrol_kind = { PROTO_ENROL_MAGIC, PROTO_ENROL_MAX_FILE, enrol_rules,
				 sizeof(enrol_rules) / sizeof(enrol_rules[0]), 1 };
static const kind update_kind = { PROTO_UPDATE_MAGIC, PROTO_UPDATE_MAX_FILE, update_rules,
				  sizeof(update_rules) / sizeof(update_rules[0]), 1 };
static const kind update2_kind = { PROTO_UPDATE_MAGIC2, PROTO_UPDATE_MAX_FILE, update_rules,
				   sizeof(update_rules) / sizeof(update_rules[0]), 2 };
static const kind claim_kind = { PROTO_CLAIM_MAGIC, PROTO_CLAIM_MAX_FILE, claim_rules,
				 sizeof(claim_rules) / sizeof(claim_rules[0]), 1 };

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static const field_rule *rule_of(const kind *k, uint8_t tag)
{
	for (size_t i = 0; i < k->nrules; i++)
		if (k->rules[i].tag == tag && k->rules[i].since <= k->version)
			return &k->rules[i];
	return NULL;
}

static proto_result check_value(const field_rule *r, const uint8_t *p, size_t len)
{
	switch (r->type) {
	case F_TEXT:
		if (len == 0 || len > r->max)
			return PROTO_ELIMIT;
		return proto_utf8_valid((const char *)p, len) ? PROTO_OK : PROTO_EUTF8;
	case F_ITEM:
		return len == 0 || len > r->max ? PROTO_ELIMIT : PROTO_OK;
	default:
		return len == r->max ? PROTO_OK : PROTO_EBODY;
	}
}

/*
 * Walk a body against k's rules: tags rising, only the item tag repeating
 * (and nothing after it), each value well formed, every required field
 * there. views[i] gets rule i's value (the first item's, for items).
 */
static proto_result walk_body(const kind *k, const uint8_t *body, size_t len, field_view *views,
			      size_t *nitems)
{
	proto_reader r;
	int last = -1;
	proto_result res;

	memset(views, 0, k->nrules * sizeof(*views));
	*nitems = 0;
	proto_reader_init(&r, body, len);
	while (proto_reader_left(&r) > 0) {
		const field_rule *rule;
		const uint8_t *p;
		uint8_t tag;
		uint32_t n;

		if ((res = proto_get_u8(&r, &tag)) != PROTO_OK ||
		    (res = proto_get_be32(&r, &n)) != PROTO_OK)
			return res;
		rule = rule_of(k, tag);
		if (!rule || tag < last || (tag == last && rule->type != F_ITEM))
			return PROTO_EBODY;
		if ((res = proto_get_bytes(&r, n, &p)) != PROTO_OK)
			return res;
		if ((res = check_value(rule, p, n)) != PROTO_OK)
			return res;
		if (rule->type == F_ITEM && ++*nitems > PROTO_UPDATE_MAX_ITEMS)
			return PROTO_ELIMIT;
		if (!views[rule - k->rules].p)
			views[rule - k->rules] = (field_view){ p, n };
		last = tag;
	}
	for (size_t i = 0; i < k->nrules; i++)
		if (k->rules[i].required && !views[i].p)
			return PROTO_EBODY;
	return PROTO_OK;
}

/*
 * Split a file of kind k into its body, signer and signature; check the
 * framing only. The signed part is data[0 .. len - PROTO_SIG_LEN).
 */
static proto_result split(const kind *k, const uint8_t *data, size_t len, const uint8_t **body,
			  size_t *body_len, uint64_t *signer)
{
	uint32_t n;

	if (!data || len < PROTO_HUBFILE_MAGIC_LEN || memcmp(data, k->magic, PROTO_HUBFILE_MAGIC_LEN) != 0)
		return PROTO_EMAGIC;
	if (len > k->max_file)
		return PROTO_ELIMIT;
	if (len < HEAD_LEN)
		return PROTO_ETRUNCATED;
	n = (uint32_t)data[8] << 24 | (uint32_t)data[9] << 16 | (uint32_t)data[10] << 8 | data[11];
	if (n > k->max_file)
		return PROTO_ELIMIT;
	if (len - HEAD_LEN < (size_t)n + TAIL_LEN)
		return PROTO_ETRUNCATED;
	if (len - HEAD_LEN > (size_t)n + TAIL_LEN)
		return PROTO_ETRAILING;
	*body = data + HEAD_LEN;
	*body_len = n;
	*signer = be64(data + HEAD_LEN + n);
	return PROTO_OK;
}

static proto_result verify(const proto_key *signer_key, uint64_t signer, const uint8_t *data, size_t len)
{
	if (proto_key_id(signer_key) != signer)
		return PROTO_EKEYID;
	return proto_verify(signer_key, data, len - PROTO_SIG_LEN, data + len - PROTO_SIG_LEN);
}

/* For the files signed by the key they carry (enrolment file, claim): the
 * signature checked with that key, pub, raw. */
static proto_result verify_carried(const uint8_t pub[PROTO_PUBKEY_LEN], uint64_t signer,
				   const uint8_t *data, size_t len)
{
	proto_key *key = NULL;
	proto_result res;

	if (proto_key_from_public(pub, &key) != PROTO_OK)
		return PROTO_EVALUE;
	res = verify(key, signer, data, len);
	proto_key_free(key);
	return res;
}

/* Split a file of kind k and walk its body: its fields in v, its signer. */
static proto_result open_fields(const kind *k, const uint8_t *data, size_t len, field_view *v,
				size_t *nitems, uint64_t *signer)
{
	const uint8_t *body;
	size_t body_len;
	proto_result res = split(k, data, len, &body, &body_len, signer);

	return res != PROTO_OK ? res : walk_body(k, body, body_len, v, nitems);
}

/* ---- writing ----------------------------------------------------------- */

static proto_result put_field(proto_buf *b, uint8_t tag, const void *p, size_t len)
{
	proto_result res = proto_buf_append_byte(b, tag);

	if (res == PROTO_OK)
		res = proto_buf_put_be32(b, (uint32_t)len);
	if (res == PROTO_OK)
		res = proto_buf_append(b, p, len);
	return res;
}

static proto_result put_text(proto_buf *b, uint8_t tag, const char *s)
{
	return put_field(b, tag, s, strlen(s));
}

static proto_result put_i64(proto_buf *b, uint8_t tag, int64_t v)
{
	uint8_t raw[8];

	put_be64(raw, (uint64_t)v);
	return put_field(b, tag, raw, sizeof(raw));
}

/* Frame body as a file of kind k, signed with key, appended to out. */
static proto_result seal_file(proto_buf *out, const kind *k, const proto_buf *body, const proto_key *key)
{
	size_t start = out->len;
	uint8_t sig[PROTO_SIG_LEN];
	proto_result res = PROTO_OK;

	if (body->len > k->max_file - HEAD_LEN - TAIL_LEN)
		return PROTO_ELIMIT;
	if ((res = proto_buf_append(out, k->magic, PROTO_HUBFILE_MAGIC_LEN)) != PROTO_OK ||
	    (res = proto_buf_put_be32(out, (uint32_t)body->len)) != PROTO_OK ||
	    (res = proto_buf_append(out, body->data, body->len)) != PROTO_OK ||
	    (res = proto_buf_put_be64(out, proto_key_id(key))) != PROTO_OK ||
	    (res = proto_sign(key, out->data + start, out->len - start, sig)) != PROTO_OK ||
	    (res = proto_buf_append(out, sig, sizeof(sig))) != PROTO_OK)
		out->len = start;
	return res;
}

/* Re-read what was written, so writer and reader cannot disagree on a rule. */
#define MAX_RULES 9
_Static_assert(sizeof(enrol_rules) / sizeof(enrol_rules[0]) <= MAX_RULES, "views[] too small");
_Static_assert(sizeof(update_rules) / sizeof(update_rules[0]) <= MAX_RULES, "views[] too small");
_Static_assert(sizeof(claim_rules) / sizeof(claim_rules[0]) <= MAX_RULES, "views[] too small");

static proto_result check_written(const kind *k, const proto_buf *body)
{
	field_view views[MAX_RULES];
	size_t nitems;

	return walk_body(k, body->data, body->len, views, &nitems);
}

/* The body built (res says how that went): checked as the reader will check
 * it, framed, signed with key and appended to out; body is released. */
static proto_result finish(proto_buf *out, const kind *k, proto_buf *body, const proto_key *key,
			   proto_result res)
{
	if (res == PROTO_OK)
		res = check_written(k, body);
	if (res == PROTO_OK)
		res = seal_file(out, k, body, key);
	proto_buf_release(body);
	return res;
}

/* A file that carries its signer's key: key must be that one, and private. */
static proto_result signer_carried(const proto_key *key, const uint8_t pub[PROTO_PUBKEY_LEN])
{
	uint8_t raw[PROTO_PUBKEY_LEN];

	if (!key || !proto_key_has_private(key))
		return PROTO_EINVAL;
	proto_key_public_raw(key, raw);
	return memcmp(raw, pub, sizeof(raw)) == 0 ? PROTO_OK : PROTO_EKEYID;
}

/* ---- the enrolment file ------------------------------------------------- */

/* Tokens are typed, logged and compared: printable ASCII without spaces. */
static proto_result token_value(const char *t)
{
	for (; *t; t++)
		if (*t <= ' ' || *t > '~')
			return PROTO_EVALUE;
	return PROTO_OK;
}

static proto_result enrol_values(const proto_enrol_file *f)
{
	if (f->area_kind != PROTO_AREA_COMMUNE && f->area_kind != PROTO_AREA_DISTRICT)
		return PROTO_EVALUE;
	if (f->area_code < 1 || f->area_code > 99999 || f->expires <= f->issued || f->issued < 0)
		return PROTO_EVALUE;
	return token_value(f->token);
}

proto_result proto_enrol_write(proto_buf *out, const proto_enrol_file *f, const proto_key *hub)
{
	uint8_t area[5];
	proto_buf body;
	proto_result res;

	if (!out || !f)
		return PROTO_EINVAL;
	if ((res = signer_carried(hub, f->hub_pub)) != PROTO_OK || (res = enrol_values(f)) != PROTO_OK)
		return res;
	area[0] = f->area_kind;
	area[1] = (uint8_t)(f->area_code >> 24);
	area[2] = (uint8_t)(f->area_code >> 16);
	area[3] = (uint8_t)(f->area_code >> 8);
	area[4] = (uint8_t)f->area_code;
	proto_buf_init(&body, enrol_kind.max_file);
	res = put_text(&body, TAG_CAMPAIGN, f->campaign);
	if (res == PROTO_OK)
		res = put_i64(&body, TAG_ISSUED, f->issued);
	if (res == PROTO_OK && f->hub_url[0])
		res = put_text(&body, TAG_HUB_URL, f->hub_url);
	if (res == PROTO_OK)
		res = put_text(&body, TAG_CA_PEM, f->ca_pem);
	if (res == PROTO_OK)
		res = put_field(&body, TAG_HUB_PUB, f->hub_pub, PROTO_PUBKEY_LEN);
	if (res == PROTO_OK)
		res = put_text(&body, TAG_TOKEN, f->token);
	if (res == PROTO_OK)
		res = put_field(&body, TAG_AREA, area, sizeof(area));
	if (res == PROTO_OK)
		res = put_i64(&body, TAG_EXPIRES, f->expires);
	return finish(out, &enrol_kind, &body, hub, res);
}

static void copy_text(char *dst, const field_view *v)
{
	/* the rules bounded v->len by the destination's size - 1 */
	memcpy(dst, v->p, v->len);
	dst[v->len] = '\0';
}

proto_result proto_enrol_read(const uint8_t *data, size_t len, proto_enrol_file *f)
{
	field_view v[sizeof(enrol_rules) / sizeof(enrol_rules[0])];
	size_t nitems;
	uint64_t signer;
	proto_enrol_file tmp;
	proto_result res;

	if (!f)
		return PROTO_EINVAL;
	if ((res = open_fields(&enrol_kind, data, len, v, &nitems, &signer)) != PROTO_OK)
		return res;
	memset(&tmp, 0, sizeof(tmp));
	copy_text(tmp.campaign, &v[0]);
	tmp.issued = (int64_t)be64(v[1].p);
	if (v[2].p)
		copy_text(tmp.hub_url, &v[2]);
	copy_text(tmp.ca_pem, &v[3]);
	memcpy(tmp.hub_pub, v[4].p, PROTO_PUBKEY_LEN);
	copy_text(tmp.token, &v[5]);
	tmp.area_kind = v[6].p[0];
	tmp.area_code = (int64_t)((uint32_t)v[6].p[1] << 24 | (uint32_t)v[6].p[2] << 16 |
				  (uint32_t)v[6].p[3] << 8 | v[6].p[4]);
	tmp.expires = (int64_t)be64(v[7].p);
	if ((res = enrol_values(&tmp)) != PROTO_OK)
		return res;
	res = verify_carried(tmp.hub_pub, signer, data, len);
	if (res == PROTO_OK)
		*f = tmp;
	return res;
}

/* ---- the update file ---------------------------------------------------- */

static proto_result update_values(const proto_update_file *f)
{
	if (f->agent == 0 || f->after < 0 || f->cursor < f->after || f->issued < 0 || f->acked < 0)
		return PROTO_EVALUE;
	return PROTO_OK;
}

proto_result proto_update_write(proto_buf *out, const proto_update_file *f, const uint8_t *const *items,
				const size_t *lens, size_t n, const proto_key *hub)
{
	uint8_t agent[8];
	proto_buf body;
	proto_result res;

	if (!out || !f || !hub || !proto_key_has_private(hub) || (n && (!items || !lens)))
		return PROTO_EINVAL;
	if (n > PROTO_UPDATE_MAX_ITEMS)
		return PROTO_ELIMIT;
	if ((res = update_values(f)) != PROTO_OK)
		return res;
	put_be64(agent, f->agent);
	proto_buf_init(&body, update_kind.max_file);
	res = put_text(&body, TAG_CAMPAIGN, f->campaign);
	if (res == PROTO_OK)
		res = put_i64(&body, TAG_ISSUED, f->issued);
	if (res == PROTO_OK)
		res = put_field(&body, TAG_AGENT, agent, sizeof(agent));
	if (res == PROTO_OK)
		res = put_i64(&body, TAG_AFTER, f->after);
	if (res == PROTO_OK)
		res = put_i64(&body, TAG_CURSOR, f->cursor);
	if (res == PROTO_OK && f->client_cert[0])
		res = put_text(&body, TAG_CLIENT_CERT, f->client_cert);
	if (res == PROTO_OK && f->acked)
		res = put_i64(&body, TAG_ACKED, f->acked);
	if (res == PROTO_OK && f->feedback)
		res = put_field(&body, TAG_FEEDBACK, f->feedback, f->feedback_len);
	for (size_t i = 0; res == PROTO_OK && i < n; i++)
		res = items[i] ? put_field(&body, TAG_ITEM, items[i], lens[i]) : PROTO_EINVAL;
	return finish(out, f->feedback ? &update2_kind : &update_kind, &body, hub, res);
}

proto_result proto_update_read(const uint8_t *data, size_t len, const proto_key *hub, proto_update_file *f)
{
	field_view v[sizeof(update_rules) / sizeof(update_rules[0])];
	const kind *k = &update_kind;
	const uint8_t *body;
	size_t body_len, nitems;
	uint64_t signer;
	proto_update_file tmp;
	proto_result res;

	if (!f || !hub)
		return PROTO_EINVAL;
	if (data && len >= PROTO_HUBFILE_MAGIC_LEN &&
	    memcmp(data, PROTO_UPDATE_MAGIC2, PROTO_HUBFILE_MAGIC_LEN) == 0)
		k = &update2_kind;
	/* the signer is known here: check the signature before reading fields */
	if ((res = split(k, data, len, &body, &body_len, &signer)) != PROTO_OK ||
	    (res = verify(hub, signer, data, len)) != PROTO_OK ||
	    (res = walk_body(k, body, body_len, v, &nitems)) != PROTO_OK)
		return res;
	memset(&tmp, 0, sizeof(tmp));
	copy_text(tmp.campaign, &v[0]);
	tmp.issued = (int64_t)be64(v[1].p);
	tmp.agent = be64(v[2].p);
	tmp.after = (int64_t)be64(v[3].p);
	tmp.cursor = (int64_t)be64(v[4].p);
	if (v[5].p)
		copy_text(tmp.client_cert, &v[5]);
	if (v[6].p)
		tmp.acked = (int64_t)be64(v[6].p);
	if (v[7].p) {
		tmp.feedback = (const char *)v[7].p;
		tmp.feedback_len = v[7].len;
	}
	tmp.nitems = nitems;
	if ((res = update_values(&tmp)) != PROTO_OK)
		return res;
	/* items start at the first item field's header and run to the body's end */
	if (nitems)
		proto_reader_init(&tmp.items, v[8].p - FIELD_HEAD,
				  (size_t)(body + body_len - (v[8].p - FIELD_HEAD)));
	else
		proto_reader_init(&tmp.items, body + body_len, 0);
	*f = tmp;
	return PROTO_OK;
}

proto_result proto_update_next(proto_update_file *f, const uint8_t **item, size_t *len)
{
	uint8_t tag;
	uint32_t n;
	proto_result res;

	if (!f || !item || !len)
		return PROTO_EINVAL;
	*item = NULL;
	*len = 0;
	if (proto_reader_left(&f->items) == 0)
		return PROTO_OK;
	/* proto_update_read checked every item field: this cannot fail on its bytes */
	if ((res = proto_get_u8(&f->items, &tag)) != PROTO_OK ||
	    (res = proto_get_be32(&f->items, &n)) != PROTO_OK ||
	    (res = proto_get_bytes(&f->items, n, item)) != PROTO_OK)
		return res;
	if (tag != TAG_ITEM)
		return PROTO_EBODY;
	*len = n;
	return PROTO_OK;
}

/* ---- the enrolment claim ------------------------------------------------ */

proto_result proto_claim_write(proto_buf *out, const proto_claim_file *f, const proto_key *agent)
{
	proto_buf body;
	proto_result res;

	if (!out || !f)
		return PROTO_EINVAL;
	if ((res = signer_carried(agent, f->agent_pub)) != PROTO_OK)
		return res;
	if (f->issued < 0)
		return PROTO_EVALUE;
	if ((res = token_value(f->token)) != PROTO_OK)
		return res;
	proto_buf_init(&body, claim_kind.max_file);
	res = put_text(&body, TAG_CAMPAIGN, f->campaign);
	if (res == PROTO_OK)
		res = put_i64(&body, TAG_ISSUED, f->issued);
	if (res == PROTO_OK)
		res = put_text(&body, TAG_TOKEN, f->token);
	if (res == PROTO_OK)
		res = put_field(&body, TAG_AGENT_PUB, f->agent_pub, PROTO_PUBKEY_LEN);
	return finish(out, &claim_kind, &body, agent, res);
}

proto_result proto_claim_read(const uint8_t *data, size_t len, proto_claim_file *f)
{
	field_view v[sizeof(claim_rules) / sizeof(claim_rules[0])];
	size_t nitems;
	uint64_t signer;
	proto_claim_file tmp;
	proto_result res;

	if (!f)
		return PROTO_EINVAL;
	if ((res = open_fields(&claim_kind, data, len, v, &nitems, &signer)) != PROTO_OK)
		return res;
	memset(&tmp, 0, sizeof(tmp));
	copy_text(tmp.campaign, &v[0]);
	tmp.issued = (int64_t)be64(v[1].p);
	copy_text(tmp.token, &v[2]);
	memcpy(tmp.agent_pub, v[3].p, PROTO_PUBKEY_LEN);
	if (tmp.issued < 0)
		return PROTO_EVALUE;
	if ((res = token_value(tmp.token)) != PROTO_OK)
		return res;
	res = verify_carried(tmp.agent_pub, signer, data, len);
	if (res == PROTO_OK)
		*f = tmp;
	return res;
}
