/*
 * home_crypt.c - is the agent's home encrypted at rest (home_crypt.h)?
 *
 * The home's mount is the last line of /proc/self/mountinfo whose mount
 * point is the longest whole-component prefix of the path (a later mount
 * over the same point hides the earlier one). Its block device is
 * /sys/dev/block/MAJOR:MINOR, or for file systems that report an anonymous
 * device (btrfs: major 0) the source named in mountinfo. dm-crypt gives its
 * devices a device-mapper uuid "CRYPT-<type>-..."; LVM on LUKS puts the
 * crypt device among the logical volume's slaves/, so the walk follows
 * slaves down a few levels.
 *
 * The end of the file is the agent's side: what "status" and "check" say
 * of it, and of files in the home that others can read.
 */
#include "home_crypt.h"
#include "agent.h"
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define CRYPT_PATH_MAX 4096
/* dm-crypt over LVM over dm-crypt... real stacks are two or three deep */
#define CRYPT_MAX_DEPTH 8

/* The mount that holds the path, from mountinfo. */
typedef struct {
	unsigned major, minor;
	char point[CRYPT_PATH_MAX];
	char fstype[64];
	char source[CRYPT_PATH_MAX];
} crypt_mount;

static void say(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (!why || !n)
		return;
	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
}

/* snprintf for paths: a path too long for CRYPT_PATH_MAX is cut, and the
 * cut path is then not found (never a wrong device). */
static void pathf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

void home_crypt_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* Length of point when it holds path (whole components), else -1. */
static long holds(const char *point, const char *path)
{
	size_t len = strlen(point);

	if (strcmp(point, "/") == 0)
		return 1;
	if (strncmp(point, path, len) != 0 || (path[len] != '/' && path[len] != '\0'))
		return -1;
	return (long)len;
}

/*
 * One mountinfo line: "36 35 98:0 /root /point opts [optional...] - fstype
 * source superopts". Fills m and returns 0 when it parses.
 */
static int parse_line(char *line, crypt_mount *m)
{
	char *field[6] = { 0 }, *save = NULL, *tok, *dash;
	int i = 0;

	dash = strstr(line, " - ");
	if (!dash)
		return -1;
	*dash = '\0';
	for (tok = strtok_r(line, " ", &save); tok && i < 5; tok = strtok_r(NULL, " ", &save))
		field[i++] = tok;
	if (i < 5 || sscanf(field[2], "%u:%u", &m->major, &m->minor) != 2)
		return -1;
	home_crypt_unescape(field[4]);
	pathf(m->point, sizeof m->point, "%s", field[4]);
	save = NULL;
	field[0] = strtok_r(dash + 3, " \n", &save);
	field[1] = field[0] ? strtok_r(NULL, " \n", &save) : NULL;
	if (!field[1])
		return -1;
	pathf(m->fstype, sizeof m->fstype, "%s", field[0]);
	home_crypt_unescape(field[1]);
	pathf(m->source, sizeof m->source, "%s", field[1]);
	return 0;
}

static int find_mount(const char *root, const char *path, crypt_mount *out)
{
	char file[CRYPT_PATH_MAX], line[3 * CRYPT_PATH_MAX];
	crypt_mount m;
	long best = -1, len;
	FILE *f;

	pathf(file, sizeof file, "%s/proc/self/mountinfo", root);
	f = fopen(file, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		if (parse_line(line, &m) != 0 || (len = holds(m.point, path)) < 0 || len < best)
			continue;
		best = len;
		*out = m;
	}
	fclose(f);
	return best < 0 ? -1 : 0;
}

/* The first line of file into out; 0 when read. */
static int read_line(const char *file, char *out, size_t n)
{
	FILE *f = fopen(file, "re");
	int ok;

	if (!f)
		return -1;
	ok = fgets(out, (int)n, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* 1 when the block device at sysdir or one of its slaves is dm-crypt. */
static int is_crypt(const char *root, const char *sysdir, int depth)
{
	char file[CRYPT_PATH_MAX], uuid[256];
	struct dirent *e;
	DIR *d;
	int found = 0;

	if (depth > CRYPT_MAX_DEPTH)
		return 0;
	pathf(file, sizeof file, "%s/dm/uuid", sysdir);
	if (read_line(file, uuid, sizeof uuid) == 0 && strncmp(uuid, "CRYPT-", 6) == 0)
		return 1;
	pathf(file, sizeof file, "%s/slaves", sysdir);
	d = opendir(file);
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		pathf(file, sizeof file, "%s/sys/class/block/%s", root, e->d_name);
		found = is_crypt(root, file, depth + 1);
	}
	closedir(d);
	return found;
}

/* The device-mapper device named name (/dev/mapper/NAME) into out. */
static int find_mapper(const char *root, const char *name, char *out, size_t n)
{
	char dir[CRYPT_PATH_MAX], file[CRYPT_PATH_MAX], dm_name[256];
	struct dirent *e;
	DIR *d;
	int rc = -1;

	pathf(dir, sizeof dir, "%s/sys/class/block", root);
	d = opendir(dir);
	if (!d)
		return -1;
	while (rc != 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		pathf(file, sizeof file, "%s/%s/dm/name", dir, e->d_name);
		if (read_line(file, dm_name, sizeof dm_name) == 0 && strcmp(dm_name, name) == 0) {
			pathf(out, n, "%s/%s", dir, e->d_name);
			rc = 0;
		}
	}
	closedir(d);
	return rc;
}

/* The /sys directory of the mount's block device into out; 0 when found. */
static int device_dir(const char *root, const crypt_mount *m, char *out, size_t n)
{
	struct stat st;
	const char *base;

	if (m->major != 0) {
		pathf(out, n, "%s/sys/dev/block/%u:%u", root, m->major, m->minor);
		return stat(out, &st) == 0 ? 0 : -1;
	}
	if (strncmp(m->source, "/dev/mapper/", 12) == 0)
		return find_mapper(root, m->source + 12, out, n);
	if (strncmp(m->source, "/dev/", 5) != 0)
		return -1;
	base = strrchr(m->source, '/') + 1;
	pathf(out, n, "%s/sys/class/block/%s", root, base);
	return stat(out, &st) == 0 ? 0 : -1;
}

home_crypt_state home_crypt_classify(const char *root, const char *path, home_fscrypt fscrypt, char *why,
				     size_t n)
{
	char sysdir[CRYPT_PATH_MAX];
	crypt_mount m;

	if (why && n)
		why[0] = '\0';
	if (fscrypt == HOME_FSCRYPT_YES) {
		say(why, n, "%s", path);
		return HOME_CRYPT_FSCRYPT;
	}
	if (find_mount(root, path, &m) != 0) {
		say(why, n, "no mount for '%s' in %s", path, "/proc/self/mountinfo");
		return HOME_CRYPT_UNKNOWN;
	}
	if (strcmp(m.fstype, "tmpfs") == 0 || strcmp(m.fstype, "ramfs") == 0) {
		say(why, n, "%s on %s", m.fstype, m.point);
		return HOME_CRYPT_MEMORY;
	}
	if (device_dir(root, &m, sysdir, sizeof sysdir) != 0) {
		say(why, n, "%s from '%s' is not a local block device", m.fstype, m.source);
		return HOME_CRYPT_UNKNOWN;
	}
	say(why, n, "%s on %s", m.fstype, m.source);
	return is_crypt(root, sysdir, 0) ? HOME_CRYPT_LUKS : HOME_CRYPT_PLAIN;
}

home_fscrypt home_crypt_probe_fscrypt(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), flags = 0;
	home_fscrypt r = HOME_FSCRYPT_UNKNOWN;

	/* the inode flags carry fscrypt's mark on ext4 and f2fs; a file
	 * system without them cannot say */
	if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0)
		r = (flags & FS_ENCRYPT_FL) ? HOME_FSCRYPT_YES : HOME_FSCRYPT_NO;
	if (fd >= 0)
		close(fd);
	return r;
}

home_crypt_state home_crypt_detect(const char *dir, char *why, size_t n)
{
	char *real = realpath(dir, NULL);
	home_crypt_state s;

	if (!real) {
		say(why, n, "cannot resolve '%s'", dir);
		return HOME_CRYPT_UNKNOWN;
	}
	s = home_crypt_classify("", real, home_crypt_probe_fscrypt(real), why, n);
	free(real);
	return s;
}

const char *home_crypt_name(home_crypt_state s)
{
	switch (s) {
	case HOME_CRYPT_PLAIN:
		return "plain";
	case HOME_CRYPT_MEMORY:
		return "memory";
	case HOME_CRYPT_LUKS:
		return "luks";
	case HOME_CRYPT_FSCRYPT:
		return "fscrypt";
	case HOME_CRYPT_UNKNOWN:
		break;
	}
	return "unknown";
}

int home_crypt_open_modes(const char *home,
			  void (*seen)(const char *path, unsigned mode, int is_dir, void *arg), void *arg)
{
	char path[CRYPT_PATH_MAX];
	struct dirent *e;
	struct stat st;
	int count = 0;
	DIR *d;

	/* the home itself may be a link to where the officer keeps it */
	if (stat(home, &st) != 0 || !S_ISDIR(st.st_mode) || !(d = opendir(home)))
		return -1;
	if (st.st_mode & 077) {
		seen(home, (unsigned)(st.st_mode & 07777), 1, arg);
		count++;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		pathf(path, sizeof path, "%s/%s", home, e->d_name);
		/* a symbolic link's own mode means nothing; what it points to is
		 * not the agent's */
		if (lstat(path, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) ||
		    !(st.st_mode & 077))
			continue;
		seen(path, (unsigned)(st.st_mode & 07777), S_ISDIR(st.st_mode), arg);
		count++;
	}
	closedir(d);
	return count;
}

/* agent_home_at_rest's --json list and its warning lines */
typedef struct {
	agent_ctx *ctx;
	int n;
} open_seen;

static void warn_open(const char *path, unsigned mode, int is_dir, void *arg)
{
	open_seen *s = arg;

	if (s->ctx->json) {
		fputs(s->n ? "," : "", s->ctx->out);
		agent_json_str(s->ctx->out, path);
	}
	s->n++;
	agent_err(is_dir ? _("warning: others can open the folder '%s' (mode %04o): only this account should; run 'chmod 700 %s'")
			 : _("warning: others can read '%s' (mode %04o): only this account should; run 'chmod 600 %s'"),
		  path, mode, path);
}

void agent_home_at_rest(agent_ctx *ctx, int text_line)
{
	char why[512];
	home_crypt_state s = home_crypt_detect(ctx->home, why, sizeof why);
	open_seen seen = { ctx, 0 };

	if (ctx->json) {
		fprintf(ctx->out, ",\"home_encryption\":\"%s\",\"home_open_to_others\":[",
			home_crypt_name(s));
	} else if (text_line) {
		switch (s) {
		case HOME_CRYPT_LUKS:
			fprintf(ctx->out, _("Encryption:     the disk (LUKS: %s)\n"), why);
			break;
		case HOME_CRYPT_FSCRYPT:
			fprintf(ctx->out, _("Encryption:     the folder (fscrypt)\n"));
			break;
		case HOME_CRYPT_MEMORY:
			fprintf(ctx->out, _("Encryption:     none needed, in memory only (%s)\n"), why);
			break;
		case HOME_CRYPT_PLAIN:
			fprintf(ctx->out, _("Encryption:     NONE (%s)\n"), why);
			break;
		case HOME_CRYPT_UNKNOWN:
			fprintf(ctx->out, _("Encryption:     cannot tell (%s)\n"), why);
			break;
		}
	}
	home_crypt_open_modes(ctx->home, warn_open, &seen);
	if (ctx->json)
		fputc(']', ctx->out);
	if (s == HOME_CRYPT_PLAIN)
		agent_err(_("warning: '%s' is not encrypted (%s): a stolen laptop gives away the households' names, ID and phone numbers; encrypt it with LUKS or fscrypt (docs/OPERATIONS.md, \"Personal data at rest\")"),
			  ctx->home, why);
}
