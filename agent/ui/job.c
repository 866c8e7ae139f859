/*
 * job.c - a command of this very binary run as a child process for the
 * app (ui.h, agent_ui_job): a sync takes minutes on a bad link, and the
 * pages must go on answering meanwhile, so it is not run in the event
 * loop's thread as agent_ui_run runs a quick command. Its output and
 * messages go to files of the agent's home (ui-tmp/, 0600), a timer of the
 * loop looks for its end with waitpid(WNOHANG), and then they are read
 * back and the files removed. Being the CLI itself, it says and does
 * exactly what the command does in a terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <event2/event.h>
#include "maiam/fsutil.h"
#include "ui.h"

extern char **environ;

/* How often the loop looks for the child's end. */
#define JOB_POLL_MS 200
/* What is read back of its output and of its messages. */
#define JOB_TEXT_MAX (1 << 20)

/* home/ui-tmp/NAME-PID.SUFFIX into out: 0, or -1 when too long. */
static int job_file(const agent_ui_job *job, const char *suffix, char *out, size_t n)
{
	char name[128];

	snprintf(name, sizeof(name), "ui-tmp/%s-%ld.%s", job->name, (long)getpid(), suffix);
	return agent_path_join(out, n, job->home, name);
}

/* A file of the child's, whole, NUL-terminated and owned (never NULL:
 * "" when it could not be read); then removed. */
static char *take_file(const char *path)
{
	proto_buf b;
	char *text;

	proto_buf_init(&b, JOB_TEXT_MAX);
	text = proto_read_file(path, &b) == PROTO_OK ? strndup(b.data ? (char *)b.data : "", b.len) : NULL;
	proto_buf_release(&b);
	unlink(path);
	return text ? text : strdup("");
}

static void job_finished(agent_ui_job *job, int status)
{
	char path[AGENT_PATH_MAX];

	job->pid = 0;
	job->running = 0;
	job->done = 1;
	job->rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (job_file(job, "out", path, sizeof(path)) == 0)
		job->out = take_file(path);
	if (job_file(job, "err", path, sizeof(path)) == 0)
		job->err = take_file(path);
	if (job->err)
		agent_ui_strip_prefixes(job->err);
	if (job_file(job, "progress", path, sizeof(path)) == 0)
		unlink(path);
	if (job->timer)
		event_del(job->timer);
}

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
	agent_ui_job *job = arg;
	int status = 0;
	pid_t got;

	(void)fd, (void)what;
	if (!job->running)
		return;
	got = waitpid(job->pid, &status, WNOHANG);
	if (got == job->pid)
		job_finished(job, status);
	else if (got < 0 && errno != EINTR)
		job_finished(job, 0xff00); /* not ours to wait for any more: "failed" */
}

/* Open path for the child's fd, 0600, into the file actions. */
static int redirect_to(posix_spawn_file_actions_t *fa, int fd, const char *path)
{
	return posix_spawn_file_actions_addopen(fa, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
}

int agent_ui_job_start(agent_ui_job *job, struct event_base *base, const char *home, const char *name,
		       char *const args[], int with_progress)
{
	char out[AGENT_PATH_MAX], err[AGENT_PATH_MAX], tmp[AGENT_PATH_MAX];
	char progress_opt[AGENT_PATH_MAX + 32], *argv[32];
	struct timeval every = { 0, JOB_POLL_MS * 1000 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	int argc = 0, e, rc = -1;

	if (job->running)
		return 0;
	agent_ui_job_reset(job);
	snprintf(job->home, sizeof(job->home), "%s", home);
	snprintf(job->name, sizeof(job->name), "%s", name);
	if (agent_path_join(tmp, sizeof(tmp), home, "ui-tmp") != 0 || agent_mkdirs(tmp, 0700) != 0 ||
	    job_file(job, "out", out, sizeof(out)) || job_file(job, "err", err, sizeof(err)) ||
	    job_file(job, "progress", job->progress, sizeof(job->progress))) {
		agent_err(_("cannot make the folder '%s/ui-tmp': %s"), home, strerror(errno));
		return -1;
	}
	unlink(job->progress); /* a left-over must not show as this run's */
	argv[argc++] = "/proc/self/exe";
	argv[argc++] = "--home";
	argv[argc++] = (char *)home;
	for (size_t i = 0; args[i] && argc < 28; i++)
		argv[argc++] = args[i];
	if (with_progress) {
		snprintf(progress_opt, sizeof(progress_opt), "--progress-file=%s", job->progress);
		argv[argc++] = progress_opt;
	}
	argv[argc] = NULL;
	if (!job->timer && base)
		job->timer = event_new(base, -1, EV_PERSIST, on_poll, job);
	if (!job->timer) {
		agent_err(_("cannot start '%s': out of memory"), name);
		return -1;
	}
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE); /* a command as in a terminal, whatever the server ignores */
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGTERM);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!e)
		e = redirect_to(&fa, 1, out);
	if (!e)
		e = redirect_to(&fa, 2, err);
	if (!e)
		e = posix_spawnattr_setsigmask(&attr, &none);
	if (!e)
		e = posix_spawnattr_setsigdefault(&attr, &dflt);
	if (!e)
		e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (!e)
		e = posix_spawn(&job->pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e) {
		job->pid = 0;
		agent_err(_("cannot start '%s': %s"), name, strerror(e));
		goto out;
	}
	job->running = 1;
	job->started_ms = proto_wall_ms();
	event_add(job->timer, &every);
	rc = 0;
out:
	return rc;
}

void agent_ui_job_reset(agent_ui_job *job)
{
	free(job->out);
	free(job->err);
	job->out = job->err = NULL;
	job->done = 0;
	job->rc = 0;
}

void agent_ui_job_release(agent_ui_job *job)
{
	if (job->running && job->pid > 0) {
		/* the command is safe to cut anywhere (a sync: the next one
		 * finishes its work); the app ends, and so does what it began */
		int status = 0xff00;

		kill(job->pid, SIGTERM);
		if (waitpid(job->pid, &status, 0) != job->pid)
			status = 0xff00;
		job_finished(job, status);
	}
	if (job->timer)
		event_free(job->timer);
	job->timer = NULL;
	agent_ui_job_reset(job);
}
