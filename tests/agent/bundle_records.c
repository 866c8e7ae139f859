/*
 * bundle_records.c - test tool: print the records of a USB bundle that
 * maiam-agent exported, after proto_open verified each change-set's
 * signature with the laptop's own key, one line per record:
 *   KIND ORIGIN-SERIAL FIELD=VALUE ...
 * (column names of the field table; NULL as "null", a REF as ORIGIN-SERIAL).
 * So an end-to-end test can require that a correction travels signed, with
 * what it names. A photo item prints "photo_item sha256=HEX bytes=N".
 * usage: bundle_records HOME BUNDLE; exit 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include "maiam/bundle.h"
#include "maiam/proto.h"

static void print_value(const proto_value *v)
{
	switch (v->type) {
	case PROTO_V_NULL:
		fputs("null", stdout);
		break;
	case PROTO_V_INT:
		printf("%lld", (long long)v->i);
		break;
	case PROTO_V_TEXT:
		fwrite(v->text, 1, v->len, stdout);
		break;
	case PROTO_V_REF:
		printf("%016llx-%llu", (unsigned long long)v->ref.origin,
		       (unsigned long long)v->ref.serial);
		break;
	}
}

static void print_record(const proto_record *rec)
{
	printf("%s %016llx-%llu", proto_kind_name(rec->kind), (unsigned long long)rec->id.origin,
	       (unsigned long long)rec->id.serial);
	for (size_t i = 0; i < rec->nfields; i++) {
		const proto_field_desc *d = proto_field_lookup(rec->kind, rec->fields[i].field);

		printf(" %s=", d ? d->column : "?");
		print_value(&rec->fields[i].value);
	}
	putchar('\n');
}

static int read_all(const char *path, proto_buf *out)
{
	FILE *f = fopen(path, "rb");
	unsigned char chunk[4096];
	size_t n;
	int rc = 0;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (proto_buf_append(out, chunk, n) != PROTO_OK)
			rc = -1;
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	char keypath[4096];
	proto_key *key = NULL;
	proto_buf file;
	proto_bundle_reader br;
	const uint8_t *item;
	size_t len;
	int rc = 1;

	proto_buf_init(&file, (size_t)256 << 20);
	if (argc != 3) {
		fprintf(stderr, "usage: bundle_records HOME BUNDLE\n");
		return 2;
	}
	snprintf(keypath, sizeof keypath, "%s/agent.key", argv[1]);
	if (proto_key_load_private(keypath, &key) != PROTO_OK) {
		fprintf(stderr, "bundle_records: cannot load '%s'\n", keypath);
		goto out;
	}
	if (read_all(argv[2], &file) != 0 || proto_bundle_open(&br, file.data, file.len) != PROTO_OK) {
		fprintf(stderr, "bundle_records: '%s' is not a readable bundle\n", argv[2]);
		goto out;
	}
	for (;;) {
		proto_changeset cs;
		proto_result r;

		if (proto_bundle_next(&br, &item, &len) != PROTO_OK)
			goto out;
		if (!item)
			break;
		if (proto_bundle_is_photo(item, len)) {
			/* a photo's bytes after the change-sets: its name and size */
			proto_bundle_photo ph;
			char hex[65];

			if (proto_bundle_photo_open(item, len, &ph) != PROTO_OK)
				goto out;
			proto_hex(ph.sha256, 32, hex);
			printf("photo_item sha256=%s bytes=%zu\n", hex, ph.len);
			continue;
		}
		r = proto_open(item, len, key, &cs, NULL);
		if (r != PROTO_OK) {
			fprintf(stderr, "bundle_records: change-set %zu does not open: %s\n", br.index,
				proto_strerror(r));
			proto_changeset_release(&cs);
			goto out;
		}
		for (size_t i = 0; i < cs.nrecords; i++)
			print_record(&cs.records[i]);
		proto_changeset_release(&cs);
	}
	rc = 0;
out:
	proto_key_free(key);
	proto_buf_release(&file);
	return rc;
}
