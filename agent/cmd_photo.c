/*
 * cmd_photo.c - "photo add TARGET FILE...": photos as evidence of a
 * household (its survey) or of a milestone, each reduced to the copy that
 * travels, stored by its hash and recorded as a signed photo record;
 * "photo export HASH FILE" writes a stored photo back out; "photo void ID"
 * takes a photo added by mistake out of the evidence. Also how a photo
 * reads in household show and the photo library's errors in the user's
 * language. "milestone ... --photo FILE" records photos with the stage.
 */
#include <string.h>
#include "agent.h"
#include "attention.h"
#include "cmds.h"
#include "maiam/fsutil.h"
#include "photo_store.h"
#include "store.h"
#include "validate.h"

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent photo add ID FILE...\n"
		  "       maiam-agent photo export HASH FILE\n"
		  "       maiam-agent photo void ID --reason TEXT\n\n"
		  "add: photos as evidence of a household (ID of the household: its survey)\n"
		  "or of a milestone (its ID, as 'household show' lists it). Each JPEG or PNG\n"
		  "is reduced to at most 1600 pixels, its metadata stripped, and kept in the\n"
		  "photos folder of the home under its SHA-256; the time, place and camera it\n"
		  "was taken with go into the signed record. A file that is not a photo\n"
		  "refuses the whole command: nothing is recorded.\n"
		  "export: writes the stored photo whose hash starts with HASH (8 digits, as\n"
		  "'household show' lists it, are enough) to FILE.\n"
		  "void: a signed record that takes a photo added by mistake out of the\n"
		  "evidence, kept with the reason; ID is the photo's id as 'household show'\n"
		  "lists it (the file stays in the store).\n"));
}

const char *agent_photo_cause(photo_result r)
{
	switch (r) {
	case PHOTO_EEMPTY:
		return _("the file is empty: copy the photo again from the phone");
	case PHOTO_EHEIF:
		return _("the photo is HEIC/HEIF, not JPEG: set the phone to save JPEG (Most compatible) or convert it");
	case PHOTO_EOTHER:
		return _("the file is a GIF, WebP, BMP or TIFF image or a video, not a JPEG or PNG photo: convert it to JPEG");
	case PHOTO_ETEXT:
		return _("the file is text, not a photo: choose the photo file itself");
	case PHOTO_EUNKNOWN:
		return _("the file is not a JPEG or PNG photo: choose the photo file itself");
	case PHOTO_ETRUNCATED:
		return _("the file is cut short: copy it again from the phone");
	case PHOTO_ECORRUPT:
		return _("the photo is damaged and cannot be read: copy it again from the phone");
	case PHOTO_EUNSUPPORTED:
		return _("the JPEG is CMYK or of a kind that cannot be read: save it again as an ordinary JPEG");
	case PHOTO_ETOOBIG:
		return _("the photo is too large (over 60 megapixels or 64 MB): take it at the phone's normal size");
	case PHOTO_ENOMEM:
		return _("out of memory");
	default:
		return _("the photo could not be reduced; try again");
	}
}

/* "128 kB" */
static void show_size(int64_t bytes, char *out, size_t n)
{
	snprintf(out, n, "%lld kB", (long long)((bytes + 1023) / 1024));
}

void agent_photo_show(agent_ctx *ctx, const agent_photo *p, const char *indent)
{
	char size[32], day[16], date[11], ref[32];

	show_size(p->bytes, size, sizeof size);
	agent_ref_make(p->id.origin, p->id.serial, ref);
	fprintf(ctx->out, _("%sphoto %.8s  %s  %s  %lldx%lld"), indent, p->sha256, ref, size,
		(long long)p->width, (long long)p->height);
	if (p->taken_at && strlen(p->taken_at) >= 16) {
		/* the camera's own clock, as its date and hour:minute */
		snprintf(date, sizeof date, "%.10s", p->taken_at);
		agent_show_date(date, day);
		fprintf(ctx->out, _("  taken %s %.5s"), day, p->taken_at + 11);
	}
	if (p->has_position)
		fprintf(ctx->out, "  %.7f, %.7f", (double)p->lat / 1e7, (double)p->lon / 1e7);
	if (p->voided)
		fputs(_("  [voided]"), ctx->out);
	fputc('\n', ctx->out);
}

void agent_photo_json(agent_ctx *ctx, const agent_photo *p)
{
	char full[40], ref[32];

	agent_id_format(p->id, full);
	agent_ref_make(p->id.origin, p->id.serial, ref);
	fprintf(ctx->out, "{\"id\":\"%s\",\"ref\":\"%s\",\"sha256\":", full, ref);
	agent_json_str(ctx->out, p->sha256);
	fprintf(ctx->out, ",\"bytes\":%lld,\"type\":", (long long)p->bytes);
	agent_json_str(ctx->out, p->type);
	fprintf(ctx->out, ",\"width\":%lld,\"height\":%lld,\"taken_at\":", (long long)p->width,
		(long long)p->height);
	agent_json_str(ctx->out, p->taken_at);
	if (p->has_position)
		fprintf(ctx->out, ",\"lat\":%lld,\"lon\":%lld", (long long)p->lat, (long long)p->lon);
	else
		fputs(",\"lat\":null,\"lon\":null", ctx->out);
	fputs(",\"camera\":", ctx->out);
	agent_json_str(ctx->out, p->camera);
	fputs(",\"note\":", ctx->out);
	agent_json_str(ctx->out, p->note);
	fprintf(ctx->out, ",\"voided\":%s}", p->voided ? "true" : "false");
}

void agent_photo_batch_report(agent_ctx *ctx, const agent_photo_batch *b)
{
	char size[32];

	if (ctx->json) {
		fputs(",\"photos\":[", ctx->out);
		for (size_t i = 0; i < b->n; i++) {
			char full[40];

			agent_id_format(b->id[i], full);
			fprintf(ctx->out,
				"%s{\"id\":\"%s\",\"sha256\":\"%s\",\"bytes\":%zu,\"width\":%d,\"height\":%d}",
				i ? "," : "", full, b->hex[i], b->item[i].jpeg.len,
				b->item[i].jpeg.width, b->item[i].jpeg.height);
		}
		fputc(']', ctx->out);
		return;
	}
	for (size_t i = 0; i < b->n; i++) {
		show_size((int64_t)b->item[i].jpeg.len, size, sizeof size);
		fprintf(ctx->out, _("Recorded photo %.8s (%dx%d, %s)\n"), b->hex[i],
			b->item[i].jpeg.width, b->item[i].jpeg.height, size);
	}
}

/* What a photo is evidence for. */
typedef struct photo_target {
	proto_id id;
	uint8_t kind; /* PROTO_KIND_HOUSEHOLD or PROTO_KIND_MILESTONE */
	proto_id hh;  /* the household, itself or the milestone's */
	int found;    /* the milestone walk saw it */
	int voided;   /* the milestone is voided */
	int64_t commune;
	char hh_ref[32];
} photo_target;

static proto_result note_target_ms(const agent_ms *m, void *arg)
{
	photo_target *t = arg;

	t->found = 1;
	t->voided = m->voided;
	t->hh = m->household;
	t->commune = m->commune;
	snprintf(t->hh_ref, sizeof t->hh_ref, "%s", m->household_ref ? m->household_ref : "?");
	return PROTO_OK;
}

static int read_failed(agent_ctx *ctx, proto_result r)
{
	agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
	return AGENT_FAIL;
}

/* Inside the transaction: the household or live milestone of this
 * commune that text (full id or short reference) names. */
static int resolve_target(agent_ctx *ctx, const char *text, photo_target *t)
{
	agent_event_filter f = { .has_id = 1 };
	char ref[32];
	agent_row row;
	proto_result r;
	int nhh = 0, nms = 0;

	memset(t, 0, sizeof *t);
	if (agent_id_parse(text, &t->id) == 0) {
		r = agent_hh_get(ctx, t->id, &row, &nhh);
		if (r != PROTO_OK)
			return read_failed(ctx, r);
		if (nhh)
			agent_row_release(&row);
		nms = !nhh;
	} else if (agent_ref_normalize(text, ref) == 0) {
		proto_id ms;

		r = agent_hh_by_ref(ctx, ref, &t->id, &nhh);
		if (r == PROTO_OK)
			r = agent_event_by_ref(ctx, PROTO_KIND_MILESTONE, ref, &ms, &nms);
		if (r != PROTO_OK)
			return read_failed(ctx, r);
		if (nhh + nms > 1) {
			agent_err(_("'%s' names more than one record; use the full id from the --json output"),
				  text);
			return AGENT_FAIL;
		}
		if (nms)
			t->id = ms;
	} else {
		agent_err(_("'%s' is not a household or milestone id; give one like 7KQ2-15 or a full id, as 'household show' lists them"),
			  text);
		return AGENT_USAGE;
	}
	if (nhh) {
		t->kind = PROTO_KIND_HOUSEHOLD;
		t->hh = t->id;
		return agent_hh_resolve_here(ctx, text, &t->hh);
	}
	t->kind = PROTO_KIND_MILESTONE;
	f.id = t->id;
	if (nms && (r = agent_ms_walk(ctx, &f, note_target_ms, t)) != PROTO_OK)
		return read_failed(ctx, r);
	if (!t->found)
		agent_err(_("no household or milestone '%s'; 'maiam-agent household show ID' lists each milestone with its id"),
			  text);
	else if (t->voided)
		agent_err(_("milestone '%s' is voided; add the photo to the stage recorded in its place"),
			  text);
	else if (t->commune >= 0 && t->commune != ctx->commune)
		agent_err(_("milestone '%s' is of household %s in commune %lld: it is recorded on that commune's laptops"),
			  text, t->hh_ref, (long long)t->commune);
	else
		return AGENT_OK;
	return AGENT_FAIL;
}

static int photo_add(agent_ctx *ctx, int argc, char **argv)
{
	char *pos[1 + AGENT_PHOTOS_MAX], full[40], reason[512] = "";
	cli_spec spec = { .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	agent_photo_batch b;
	photo_target t;
	proto_changeset cs;
	proto_result r;
	int rc, rejected;

	if (agent_parse_args(ctx, "photo add", &spec, help, argc, argv, &rc))
		return rc;
	if (spec.nargs < 2) {
		agent_err(_(
			"'photo add' needs a household or milestone ID and at least one photo file; e.g. 'photo add 7KQ2-15 house.jpg'"));
		return AGENT_USAGE;
	}
	agent_photo_batch_init(&b);
	/* every file reduced before anything is stored or recorded */
	rc = agent_photo_batch_reduce(&b, (const char *const *)pos + 1, spec.nargs - 1);
	if (rc == AGENT_OK)
		rc = agent_tx_begin(ctx);
	if (rc != AGENT_OK)
		goto out;
	rc = resolve_target(ctx, pos[0], &t);
	if (rc == AGENT_OK)
		rc = agent_photo_batch_store(ctx, &b);
	if (rc != AGENT_OK) {
		agent_tx_rollback(ctx);
		goto out;
	}
	rejected = agent_hh_rejected(ctx, t.hh, reason, sizeof reason);
	r = agent_cs_init(ctx, &cs);
	if (!r)
		r = agent_photo_batch_build(ctx, &cs, &b, t.id, t.kind);
	rc = agent_record_commit(ctx, &cs, r, _("cannot record the photos"));
	if (rc != AGENT_OK) {
		agent_photo_batch_unstore(ctx, &b);
		goto out;
	}
	agent_id_format(t.id, full);
	if (ctx->json) {
		fprintf(ctx->out, "{\"target\":\"%s\",\"target_kind\":\"%s\"", full,
			proto_kind_name(t.kind));
		agent_photo_batch_report(ctx, &b);
		fputs("}\n", ctx->out);
	} else {
		agent_photo_batch_report(ctx, &b);
	}
	if (rejected)
		agent_note_rejected(t.kind == PROTO_KIND_HOUSEHOLD ? pos[0] : t.hh_ref, reason);
out:
	agent_photo_batch_release(&b);
	return rc;
}

/* Collects what a prefix names: the first hash, and a few for the message. */
typedef struct prefix_hits {
	char first[65];
	char list[5 * 14];
	size_t n;
} prefix_hits;

static proto_result note_hit(const char *hex, void *arg)
{
	prefix_hits *h = arg;
	size_t used = strlen(h->list);

	if (h->n++ == 0)
		snprintf(h->first, sizeof h->first, "%s", hex);
	if (h->n <= 4)
		snprintf(h->list + used, sizeof h->list - used, "%s%.12s", h->n > 1 ? ", " : "", hex);
	return PROTO_OK;
}

/* The lowercase hex prefix of text into out (4..64 digits), else -1. */
static int hash_prefix(const char *text, char out[65])
{
	size_t len = strlen(text);

	if (len < 4 || len > 64)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = proto_hex_digit((unsigned char)text[i]);

		if (v < 0)
			return -1;
		out[i] = "0123456789abcdef"[v];
	}
	out[len] = '\0';
	return 0;
}

static int photo_export(agent_ctx *ctx, int argc, char **argv)
{
	char *pos[2], prefix[65], path[AGENT_PATH_MAX], hex[65], size[32];
	cli_spec spec = { .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	prefix_hits hits;
	uint8_t sum[32];
	proto_buf data;
	proto_result r;
	size_t n = 0;
	int rc = AGENT_FAIL;

	if (agent_parse_operands(
		    ctx, "photo export", &spec, help, argc, argv,
		    _("'photo export' needs a photo's hash and a file to write; e.g. 'photo export 1a2b3c4d house.jpg'"),
		    &rc))
		return rc;
	if (hash_prefix(pos[0], prefix) != 0) {
		agent_err(_("'%s' is not a photo's hash; give at least its first 4 hex digits, as 'household show' lists them"),
			  pos[0]);
		return AGENT_USAGE;
	}
	memset(&hits, 0, sizeof hits);
	r = agent_photo_by_prefix(ctx, prefix, note_hit, &hits, &n);
	if (r != PROTO_OK)
		return read_failed(ctx, r);
	if (n == 0) {
		agent_err(_("no photo's hash starts with '%s'; 'maiam-agent household show ID' lists the photos"),
			  prefix);
		return AGENT_FAIL;
	}
	if (n > 1) {
		agent_err(_("'%s' starts the hash of %zu photos (%s%s); give more digits"), prefix, n,
			  hits.list, n > 4 ? ", ..." : "");
		return AGENT_USAGE;
	}
	if (agent_photo_path(ctx->home, hits.first, path, sizeof path) != 0) {
		agent_err(_("the path of '%s' in '%s' is too long; use a shorter --home"), hits.first,
			  ctx->home);
		return AGENT_FAIL;
	}
	proto_buf_init(&data, PROTO_PHOTO_MAX_BYTES);
	r = proto_read_file(path, &data);
	if (r == PROTO_OK) {
		proto_sha256(data.data, data.len, sum);
		proto_hex(sum, 32, hex);
	}
	if (r != PROTO_OK)
		agent_err(_("photo %.8s is recorded but its file '%s' cannot be read: %s; restore the home's photos folder from a backup"),
			  hits.first, path, proto_cause(r));
	else if (strcmp(hex, hits.first) != 0)
		agent_err(_("photo %.8s: the file '%s' does not hold its bytes any more (damaged); restore the home's photos folder from a backup"),
			  hits.first, path);
	else if ((r = proto_write_file_atomic(pos[1], data.data, data.len, 0644)) != PROTO_OK)
		agent_err(_("cannot write '%s': %s; check the folder and the free space"), pos[1],
			  proto_cause(r));
	else
		rc = AGENT_OK;
	if (rc == AGENT_OK) {
		show_size((int64_t)data.len, size, sizeof size);
		if (ctx->json) {
			fprintf(ctx->out, "{\"sha256\":\"%s\",\"bytes\":%zu,\"file\":", hits.first,
				data.len);
			agent_json_str(ctx->out, pos[1]);
			fputs("}\n", ctx->out);
		} else {
			fprintf(ctx->out, _("Wrote photo %.8s (%s) to %s\n"), hits.first, size, pos[1]);
		}
	}
	proto_buf_release(&data);
	return rc;
}

/* Inside the transaction: the live photo text names, of this commune. */
static int void_target_find(agent_ctx *ctx, const char *text, proto_id *id)
{
	agent_photo p;
	agent_row row;
	char full[40];
	proto_id hh;
	photo_target t;
	proto_result r;
	int n = 0, found = 0;

	r = agent_photo_find(ctx, text, &p, &n);
	if (r != PROTO_OK)
		return read_failed(ctx, r);
	if (n == 0) {
		agent_err(_("photo '%s' not found; 'maiam-agent household show ID' lists each photo with its id"),
			  text);
		return AGENT_FAIL;
	}
	if (n > 1) {
		agent_err(_("'%s' names more than one record; use the full id from the --json output"),
			  text);
		return AGENT_FAIL;
	}
	if (p.voided) {
		agent_err(_("photo '%s' is already voided; nothing to do"), text);
		return AGENT_FAIL;
	}
	*id = p.id;
	/* it is corrected where its household is recorded, as the hub requires */
	if (p.target_kind == PROTO_KIND_MILESTONE) {
		agent_id_format(p.target, full);
		return resolve_target(ctx, full, &t);
	}
	hh = p.target;
	r = agent_hh_get(ctx, hh, &row, &found);
	if (r != PROTO_OK)
		return read_failed(ctx, r);
	if (!found)
		return AGENT_OK; /* a household this laptop does not hold: the hub decides */
	agent_row_release(&row);
	agent_id_format(hh, full);
	return agent_hh_resolve_here(ctx, full, &hh);
}

/* The same; the transaction rolled back when it is not one to void. */
static int void_target(agent_ctx *ctx, const char *text, proto_id *id)
{
	int rc = void_target_find(ctx, text, id);

	if (rc != AGENT_OK)
		agent_tx_rollback(ctx);
	return rc;
}

static void void_help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent photo void ID --reason TEXT\n\n"
		  "Voids a photo added by mistake (the wrong house, a blurred one): a signed\n"
		  "record that takes it out of the evidence, kept with the reason. ID is the\n"
		  "photo's id as 'household show' lists it (e.g. 7KQ2-17).\n"));
}

static int photo_void(agent_ctx *ctx, int argc, char **argv)
{
	const char *reason = NULL;
	char *pos[1], full[40];
	const cli_opt opts[] = { CLI_STRING("reason", &reason, "TEXT", NULL) };
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	const agent_correction c = {
		"photo void",
		void_help,
		_("'photo void' needs the photo's ID; e.g. 'photo void 7KQ2-17 --reason \"wrong house\"'"),
		PROTO_KIND_VOID,
		PROTO_VO_REASON,
	};
	proto_id target;
	int rc;

	if (agent_correction_begin(ctx, &c, &spec, &reason, argc, argv, &rc))
		return rc;
	rc = void_target(ctx, pos[0], &target);
	if (rc == AGENT_OK)
		rc = agent_void_commit(ctx, target, PROTO_KIND_PHOTO, reason, _("cannot void the photo"));
	if (rc != AGENT_OK)
		return rc;
	agent_id_format(target, full);
	if (ctx->json)
		fprintf(ctx->out, "{\"voided\":\"%s\",\"kind\":\"photo\"}\n", full);
	else
		fprintf(ctx->out, _("Voided photo %s: %s\n"), pos[0], reason);
	return AGENT_OK;
}

int agent_cmd_photo(agent_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(agent_ctx *, int, char **);
	} subs[] = {
		{ "add", photo_add },
		{ "export", photo_export },
		{ "void", photo_void },
	};

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help(argc < 2 ? stderr : ctx->out);
		return argc < 2 ? AGENT_USAGE : AGENT_OK;
	}
	for (size_t i = 0; i < CLI_ARRAY_SIZE(subs); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(ctx, argc - 1, argv + 1);
	agent_err(_("unknown photo command '%s'; use add, export or void"), argv[1]);
	return AGENT_USAGE;
}
