/*
 * import_files.c - the files of an import from the app (import.h): the
 * upload kept under a random token in home/ui-tmp/, and the CLI's messages
 * about it said for a page, which knows the file by the name it was
 * uploaded with, not by the path it was kept at.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/rand.h>
#include "import.h"

#define IMPORT_PREFIX "import-"
#define IMPORT_ERRORS_SHOWN 1000

int agent_ui_import_token_valid(const char *s)
{
	return strlen(s) == AGENT_UI_IMPORT_TOKEN_HEX &&
	       strspn(s, "0123456789abcdef") == AGENT_UI_IMPORT_TOKEN_HEX;
}

static int token_new(char out[AGENT_UI_IMPORT_TOKEN_HEX + 1])
{
	unsigned char raw[AGENT_UI_IMPORT_TOKEN_HEX / 2];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/* home/ui-tmp into dir: 0, or -1 when the name does not fit. */
static int tmp_dir(const agent_ctx *ctx, char *dir, size_t n)
{
	return (size_t)snprintf(dir, n, "%s/ui-tmp", ctx->home) < n ? 0 : -1;
}

/* The upload of token (suffix ".csv") or its errors file ("-loi.csv", as
 * the CLI names it beside its input). */
static int import_path(const agent_ctx *ctx, const char *token, const char *suffix, char *path, size_t n)
{
	return (size_t)snprintf(path, n, "%s/ui-tmp/" IMPORT_PREFIX "%s%s", ctx->home, token, suffix) < n
		       ? 0
		       : -1;
}

/* Remove every import's files in dir (other pages' files stay). */
static void sweep(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[AGENT_PATH_MAX + 320];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, IMPORT_PREFIX, sizeof(IMPORT_PREFIX) - 1) != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path))
			unlink(path);
	}
	closedir(d);
}

/* The ui process ends: its imports' files go with it. */
static char sweep_at_exit_dir[AGENT_PATH_MAX + 16];

static void sweep_at_exit(void)
{
	sweep(sweep_at_exit_dir);
}

int agent_ui_import_keep(agent_ctx *ctx, const uint8_t *data, size_t len,
			 char token[AGENT_UI_IMPORT_TOKEN_HEX + 1])
{
	char dir[AGENT_PATH_MAX + 16], path[AGENT_PATH_MAX + 64];
	int fd, rc = -1, saved;

	if (tmp_dir(ctx, dir, sizeof(dir)) || token_new(token) ||
	    import_path(ctx, token, ".csv", path, sizeof(path))) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	if (!sweep_at_exit_dir[0]) {
		snprintf(sweep_at_exit_dir, sizeof(sweep_at_exit_dir), "%s", dir);
		atexit(sweep_at_exit);
	}
	sweep(dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	while (len) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		data += w;
		len -= (size_t)w;
	}
	rc = 0;
out:
	saved = errno;
	if (close(fd) != 0 && rc == 0)
		saved = errno, rc = -1;
	if (rc)
		unlink(path);
	errno = saved;
	return rc;
}

int agent_ui_import_names_of(const agent_ctx *ctx, const char *token, const char *filename,
			     agent_ui_import_names *nm)
{
	size_t len;

	if (import_path(ctx, token, ".csv", nm->path, sizeof(nm->path)) ||
	    import_path(ctx, token, "-loi.csv", nm->loi, sizeof(nm->loi)))
		return -1;
	snprintf(nm->stem, sizeof(nm->stem), "%.*s", (int)(strlen(nm->path) - 4), nm->path);
	/* "list", as the bad rows download is named, when the name is unknown */
	snprintf(nm->name, sizeof(nm->name), "%s", filename && *filename ? filename : "danh-sach.csv");
	len = strlen(nm->name);
	if (len > 4 && strcasecmp(nm->name + len - 4, ".csv") == 0)
		len -= 4;
	snprintf(nm->shown, sizeof(nm->shown), "%.*s", (int)len, nm->name);
	return 0;
}

/* The line number of a message "PATH:LINE: why" about a row, why set; 0 for
 * another message. */
static size_t row_of(const agent_ui_import_names *nm, const char *line, const char **why)
{
	size_t plen = strlen(nm->path), digits;

	if (strncmp(line, nm->path, plen) != 0 || line[plen] != ':')
		return 0;
	line += plen + 1;
	digits = strspn(line, "0123456789");
	if (!digits || digits > 9 || strncmp(line + digits, ": ", 2) != 0)
		return 0;
	*why = line + digits + 2;
	return (size_t)strtoul(line, NULL, 10);
}

/* 1 for the note that names the errors file when the page offers its
 * download instead (loi_kept). */
static int left_out(const agent_ui_import_names *nm, const char *line, size_t len, int loi_kept)
{
	char text[2048];

	snprintf(text, sizeof(text), "%.*s", (int)len, line);
	return loi_kept && strstr(text, nm->loi) != NULL;
}

/* One message of the CLI (len bytes of line) as the page says it: "Row N:
 * why" for a row; elsewhere the upload's own name where the CLI names its
 * path, and NAME-loi.csv for its errors file (both "…/import-TOKEN.csv"
 * and "…/import-TOKEN-loi.csv" begin with the stem). */
static void say_line(proto_buf *b, const agent_ui_import_names *nm, const char *line, size_t len)
{
	char text[2048], row[64];
	const char *why = NULL;
	char *p, *at;
	size_t n;

	snprintf(text, sizeof(text), "%.*s", (int)len, line);
	n = row_of(nm, text, &why);
	if (n) {
		snprintf(row, sizeof(row), _("Row %zu:"), n);
		agent_ui_text(b, row);
		proto_buf_append_str(b, " ");
		agent_ui_text(b, why);
		return;
	}
	for (p = text; (at = strstr(p, nm->stem)) != NULL;) {
		int whole = strncmp(at + strlen(nm->stem), ".csv", 4) == 0;

		*at = '\0'; /* the stem's first byte: p ends there */
		agent_ui_text(b, p);
		/* the upload by its name; its errors file by its stem ("-loi.csv" follows) */
		agent_ui_text(b, whole ? nm->name : nm->shown);
		p = at + strlen(nm->stem) + (whole ? 4 : 0);
	}
	agent_ui_text(b, p);
}

int agent_ui_import_reason(const agent_ui_import_names *nm, const char *err, size_t line, char *why,
			   size_t n)
{
	for (const char *l = err; l && *l;) {
		const char *nl = strchr(l, '\n'), *w = NULL;
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char text[2048];

		snprintf(text, sizeof(text), "%.*s", (int)len, l);
		if (row_of(nm, text, &w) == line) {
			snprintf(why, n, "%s", w);
			return 1;
		}
		l = nl ? nl + 1 : l + len;
	}
	return 0;
}

/* Only the first IMPORT_ERRORS_SHOWN: a list of 100,000 bad rows is the file's to hold. */
void agent_ui_import_say_lines(proto_buf *b, const agent_ui_import_names *nm, const char *err,
			       int loi_kept, const char *open, const char *close)
{
	size_t shown = 0, more = 0;
	char text[256];

	for (const char *l = err; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (len && !left_out(nm, l, len, loi_kept) && shown++ < IMPORT_ERRORS_SHOWN) {
			proto_buf_append_str(b, open);
			say_line(b, nm, l, len);
			proto_buf_append_str(b, close);
		}
		l = nl ? nl + 1 : l + len;
	}
	if (shown > IMPORT_ERRORS_SHOWN) {
		more = shown - IMPORT_ERRORS_SHOWN;
		snprintf(text, sizeof(text), _("and %zu more: every bad row is in the bad rows file"),
			 more);
		proto_buf_append_str(b, open);
		agent_ui_text(b, text);
		proto_buf_append_str(b, close);
	}
}
