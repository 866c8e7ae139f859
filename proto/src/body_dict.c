/*
 * body_dict.c - the per-column text dictionary of the body codec.
 *
 * Sized to the column it serves: a change-set of three households must not
 * pay for zeroing a table made for four thousand distinct values (that cost
 * was most of proto_open's time on small change-sets).
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "body_int.h"

struct textdict {
	uint32_t n, cap; /* remembered, most to remember */
	size_t mask;     /* slots - 1; slots is a power of two >= 2 * cap */
	struct {
		const uint8_t *p;
		size_t len;
	} * entry;
	uint32_t *slot; /* open addressing, 1-based entry index, 0 empty */
};

textdict *body_dict_new(size_t values)
{
	textdict *d = proto_calloc(1, sizeof *d);
	size_t slots = 2;

	if (!d)
		return NULL;
	d->cap = (uint32_t)(values < DICT_MAX ? values : DICT_MAX);
	while (slots < 2 * (size_t)d->cap)
		slots *= 2;
	d->mask = slots - 1;
	d->entry = proto_malloc((d->cap ? d->cap : 1) * sizeof(*d->entry));
	d->slot = proto_calloc(slots, sizeof(*d->slot));
	if (d->entry && d->slot)
		return d;
	body_dict_free(d);
	return NULL;
}

void body_dict_free(textdict *d)
{
	if (!d)
		return;
	free(d->entry);
	free(d->slot);
	free(d);
}

static uint32_t text_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

uint32_t body_dict_find_or_add(textdict *d, const uint8_t *p, size_t len)
{
	size_t i = text_hash(p, len) & d->mask;

	/* load <= 1/2, so an empty slot is always reached */
	for (;; i = (i + 1) & d->mask) {
		uint32_t k = d->slot[i];
		if (!k)
			break;
		if (d->entry[k - 1].len == len && memcmp(d->entry[k - 1].p, p, len) == 0)
			return k;
	}
	if (d->n < d->cap) {
		d->entry[d->n].p = p;
		d->entry[d->n].len = len;
		d->slot[i] = ++d->n;
	}
	return 0;
}

uint32_t body_dict_count(const textdict *d)
{
	return d->n;
}

void body_dict_get(const textdict *d, uint32_t k, const uint8_t **p, size_t *len)
{
	*p = d->entry[k - 1].p;
	*len = d->entry[k - 1].len;
}
