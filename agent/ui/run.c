/*
 * run.c - the app writes through the CLI's own commands (ui.h,
 * agent_ui_run): the command table of cli.c is called with the store the
 * app holds open, its output and its messages caught in memory. So a
 * household added on the page is checked, recorded and refused exactly as
 * "maiam-agent household add" would, in the same words.
 */
#include <stdlib.h>
#include <string.h>
#include "ui.h"

static const char err_prefix[] = "maiam-agent: ";

void agent_ui_strip_prefixes(char *err)
{
	char *line = err, *w = err;

	while (*line) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);

		if (strncmp(line, err_prefix, sizeof(err_prefix) - 1) == 0) {
			line += sizeof(err_prefix) - 1;
			n -= sizeof(err_prefix) - 1;
		}
		memmove(w, line, n);
		w += n;
		line += n;
	}
	*w = '\0';
}

int agent_ui_run(agent_ui *ui, agent_ui_ran *ran, int json, char *const argv[])
{
	agent_ctx *ctx = ui->ctx;
	FILE *out_saved = ctx->out, *out = NULL, *err = NULL, *err_saved;
	int json_saved = ctx->json, argc = 0;
	size_t out_len = 0, err_len = 0;
	char *args[64];

	memset(ran, 0, sizeof(*ran));
	ran->rc = AGENT_FAIL;
	while (argv[argc] && argc < (int)(sizeof(args) / sizeof(args[0])) - 1) {
		args[argc] = argv[argc]; /* the parser reorders its argv */
		argc++;
	}
	args[argc] = NULL;
	out = open_memstream(&ran->out, &out_len);
	err = open_memstream(&ran->err, &err_len);
	if (!out || !err || argv[argc]) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		agent_ui_ran_release(ran);
		ran->rc = AGENT_FAIL;
		return ran->rc;
	}
	ctx->out = out;
	ctx->json = json;
	err_saved = agent_err_redirect(err);
	ran->rc = agent_run(ctx, argc, args);
	agent_err_redirect(err_saved);
	ctx->out = out_saved;
	ctx->json = json_saved;
	if (fclose(out) != 0 || fclose(err) != 0) {
		agent_ui_ran_release(ran);
		ran->rc = AGENT_FAIL;
		return ran->rc;
	}
	agent_ui_strip_prefixes(ran->err);
	return ran->rc;
}

void agent_ui_ran_release(agent_ui_ran *ran)
{
	free(ran->out);
	free(ran->err);
	ran->out = ran->err = NULL;
}

int agent_ui_ran_field_error(const agent_ui_ran *ran, const char *option, char *out, size_t n)
{
	size_t olen = strlen(option);

	out[0] = '\0';
	for (const char *line = ran->err; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len > olen + 2 && strncmp(line, option, olen) == 0 && line[olen] == ':' &&
		    line[olen + 1] == ' ') {
			snprintf(out, n, "%.*s", (int)(len - olen - 2), line + olen + 2);
			return 1;
		}
		line = nl ? nl + 1 : line + len;
	}
	return 0;
}
