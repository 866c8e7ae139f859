/*
 * serve.c - "maiam-agent ui [--port N] [--no-browser]": the field worker's
 * pages on 127.0.0.1 (ui.h). The first line of standard output is the URL
 * to open; it carries a one-time secret that door.c turns into the session
 * cookie. The browser is opened not with that URL, which any user of the
 * laptop could read in the process list, but with a 0600 file of ours that
 * forwards to it. SIGINT and SIGTERM end the loop: the file is removed and
 * the command returns, so the store is closed as after any command.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include "cmds.h"
#include "ui.h"

extern char **environ;

static void ui_help(FILE *f)
{
	fputs(_("usage: maiam-agent ui [--port N] [--no-browser]\n\n"
		"Serves this laptop's pages on 127.0.0.1 and opens them in the browser.\n"
		"The first line printed is the address to open; it works once and only\n"
		"for this run. Ctrl+C stops it.\n"),
	      f);
}

/* The port the listener got (port 0 asks for any free one); -1 unknown. */
static int bound_port(struct evhttp_bound_socket *s)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&a, &len) != 0)
		return -1;
	return ntohs(a.sin_port);
}

/* The page that forwards the browser to url, 0600 in $XDG_RUNTIME_DIR (the
 * user's own) or else the agent's home, its name into path. 0, or -1 said. */
static int forward_file(agent_ctx *ctx, const char *url, char *path, size_t n)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	FILE *f;
	int fd;

	if (!dir || !*dir)
		dir = ctx->home;
	if ((size_t)snprintf(path, n, "%s/maiam-agent-ui-%ld.html", dir, (long)getpid()) >= n) {
		agent_err(_("the folder '%s' has too long a name for the browser's page"), dir);
		return -1;
	}
	unlink(path); /* a left-over of a process that had our pid and died */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		agent_err(_("cannot write '%s': %s; open the address printed above yourself"), path,
			  strerror(errno));
		if (fd >= 0)
			close(fd);
		path[0] = '\0';
		return -1;
	}
	fprintf(f,
		"<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
		"<meta http-equiv=\"refresh\" content=\"0;url=%s\"><title>Mái Ấm</title></head>"
		"<body><a href=\"%s\">Mái Ấm</a></body></html>\n",
		url, url);
	if (fclose(f) != 0) {
		agent_err(_("cannot write '%s': %s; open the address printed above yourself"), path,
			  strerror(errno));
		unlink(path);
		path[0] = '\0';
		return -1;
	}
	return 0;
}

/* xdg-open the forwarding page; its pid, or -1 (said: the URL is printed). */
static pid_t open_browser(const char *file)
{
	char *argv[] = { "xdg-open", (char *)file, NULL };
	pid_t pid;
	int err = posix_spawnp(&pid, "xdg-open", NULL, NULL, argv, environ);

	if (err) {
		agent_err(_("cannot start xdg-open: %s; open the address printed above in a browser"),
			  strerror(err));
		return -1;
	}
	return pid;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig, (void)what;
	event_base_loopbreak(arg);
}

int agent_cmd_ui(agent_ctx *ctx, int argc, char **argv)
{
	int port = 0, no_browser = 0, rc = AGENT_FAIL;
	cli_opt opts[] = { CLI_INT("port", &port, 0, 65535, "N", NULL),
			   CLI_FLAG("no-browser", &no_browser, NULL) };
	cli_spec spec = { CLI_TABLE(opts) };
	struct event_base *base = NULL;
	struct evhttp *http = NULL;
	struct evhttp_bound_socket *sock;
	struct event *sigint = NULL, *sigterm = NULL;
	char url[128], file[AGENT_PATH_MAX + 64] = "";
	pid_t browser = -1;
	agent_ui ui;

	if (agent_parse_args(ctx, "ui", &spec, ui_help, argc, argv, &rc))
		return rc;
	memset(&ui, 0, sizeof(ui));
	ui.ctx = ctx;
	rc = AGENT_FAIL;
	if (web_token_new(ui.secret) != WEB_OK || RAND_bytes(ui.csrf_key, sizeof(ui.csrf_key)) != 1) {
		agent_err(_("cannot make the session keys: the system gave no random bytes"));
		goto out;
	}
	base = event_base_new();
	http = base ? evhttp_new(base) : NULL;
	sigint = base ? evsignal_new(base, SIGINT, on_signal, base) : NULL;
	sigterm = base ? evsignal_new(base, SIGTERM, on_signal, base) : NULL;
	if (!http || !sigint || !sigterm || event_add(sigint, NULL) || event_add(sigterm, NULL)) {
		agent_err(_("cannot start the web server: out of memory"));
		goto out;
	}
	evhttp_set_max_body_size(http, AGENT_UI_UPLOAD_MAX);
	evhttp_set_max_headers_size(http, 16 * 1024);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
	evhttp_set_gencb(http, agent_ui_door, &ui);
	sock = evhttp_bind_socket_with_handle(http, "127.0.0.1", (uint16_t)port);
	if (!sock || (ui.port = bound_port(sock)) <= 0) {
		agent_err(_("cannot listen on 127.0.0.1 port %d: %s; choose another with --port"), port,
			  strerror(errno));
		goto out;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/?k=%s", ui.port, ui.secret);
	fprintf(ctx->out, "%s\n", url);
	fprintf(ctx->out, "%s",
		_("Open this address in a browser on this laptop; it works once.\n"
		  "Press Ctrl+C to stop.\n"));
	fflush(ctx->out);
	if (!no_browser && forward_file(ctx, url, file, sizeof(file)) == 0)
		browser = open_browser(file);
	OPENSSL_cleanse(url, sizeof(url));
	if (event_base_dispatch(base) < 0) {
		agent_err(_("the web server stopped on an error"));
		goto out;
	}
	rc = AGENT_OK;
out:
	if (file[0])
		unlink(file);
	if (browser > 0)
		waitpid(browser, NULL, WNOHANG); /* xdg-open hands over and ends */
	agent_ui_job_release(&ui.sync);
	if (sigint)
		event_free(sigint);
	if (sigterm)
		event_free(sigterm);
	if (http)
		evhttp_free(http);
	if (base)
		event_base_free(base);
	OPENSSL_cleanse(&ui, sizeof(ui));
	return rc;
}
