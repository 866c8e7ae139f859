/*
 * home.c - where the agent keeps its store and where it finds its shipped
 * data. Home: --home, then $MAIAM_HOME, then $XDG_DATA_HOME/maiam, then
 * ~/.local/share/maiam (XDG base directory spec). Data: $MAIAM_DATA_DIR, then
 * the directory CMake compiled in (MAIAM_DATA_DIR).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "agent.h"

#ifndef MAIAM_DATA_DIR
#define MAIAM_DATA_DIR "."
#endif

int agent_path_join(char *out, size_t n, const char *dir, const char *name)
{
	int w = snprintf(out, n, "%s/%s", dir, name);

	return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

proto_result agent_home_resolve(agent_ctx *ctx)
{
	const char *v;
	int w;

	if (ctx->home_opt && *ctx->home_opt)
		w = snprintf(ctx->home, sizeof ctx->home, "%s", ctx->home_opt);
	else if ((v = getenv("MAIAM_HOME")) && *v)
		w = snprintf(ctx->home, sizeof ctx->home, "%s", v);
	else if ((v = getenv("XDG_DATA_HOME")) && *v == '/')
		w = snprintf(ctx->home, sizeof ctx->home, "%s/maiam", v);
	else if ((v = getenv("HOME")) && *v)
		w = snprintf(ctx->home, sizeof ctx->home, "%s/.local/share/maiam", v);
	else
		return PROTO_EINVAL;
	/* room for the file names joined to it ("/agent.db-journal") */
	if (w < 0 || (size_t)w >= sizeof ctx->home - 32)
		return PROTO_ETOOBIG;
	return PROTO_OK;
}

/* mkdir -p: create each missing component. */
int agent_mkdirs(const char *path, unsigned mode)
{
	char tmp[AGENT_PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int agent_data_path(const char *rel, char *out, size_t n)
{
	const char *dir = getenv("MAIAM_DATA_DIR");

	if (!dir || !*dir)
		dir = MAIAM_DATA_DIR;
	return agent_path_join(out, n, dir, rel);
}

void agent_now_utc(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(out, 32, "unknown");
}

void agent_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm)) {
		snprintf(out, 11, "1970-01-01");
		return;
	}
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int agent_home_write(agent_ctx *ctx, const char *name, const void *data, size_t len, int mode,
		     const char *todo)
{
	char path[AGENT_PATH_MAX];
	proto_result r;

	if (agent_path_join(path, sizeof path, ctx->home, name) != 0) {
		agent_err(_("the path of '%s' in '%s' is too long; use a shorter --home"), name,
			  ctx->home);
		return -1;
	}
	r = proto_write_file_atomic(path, data, len, (mode_t)mode);
	if (r != PROTO_OK) {
		agent_err(_("cannot write '%s': %s; %s"), path, proto_cause(r), todo);
		return -1;
	}
	return 0;
}
