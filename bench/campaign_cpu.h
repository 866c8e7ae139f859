/*
 * campaign_cpu.h - where bench_campaign's CPU went: every thread of the hub
 * process read from /proc/PID/task/TID/schedstat (time on a core, time
 * runnable but waiting for one), summed by thread name, so a night's figure
 * includes the WAL checkpointer and every worker, whatever they are called.
 * Header-only: each bench is one program.
 */
#ifndef MAIAM_BENCH_CAMPAIGN_CPU_H
#define MAIAM_BENCH_CAMPAIGN_CPU_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define CCPU_NAMES 12
typedef struct ccpu_use {
	char name[CCPU_NAMES][64]; /* a /proc comm line fits */
	double run_s[CCPU_NAMES], wait_s[CCPU_NAMES];
	size_t n;
	double total_s; /* every thread on a core, named or not */
} ccpu_use;

static inline void ccpu_add(ccpu_use *u, const char *name, double run, double wait)
{
	size_t i;

	u->total_s += run;
	for (i = 0; i < u->n && strcmp(u->name[i], name); i++)
		;
	if (i == u->n) {
		if (u->n == CCPU_NAMES)
			return; /* counted in total_s, not named */
		snprintf(u->name[u->n++], sizeof u->name[0], "%.*s", (int)sizeof u->name[0] - 1, name);
	}
	u->run_s[i] += run;
	u->wait_s[i] += wait;
}

/* Every live thread of pid. A thread that ended between two snapshots takes
 * its time with it; the hub's threads live as long as serve. */
static inline void ccpu_snapshot(pid_t pid, ccpu_use *u)
{
	char path[300], comm[64];
	unsigned long long run, wait;
	struct dirent *e;
	DIR *d;
	FILE *f;

	memset(u, 0, sizeof *u);
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/comm", (int)pid, e->d_name);
		f = fopen(path, "r");
		if (!f || !fgets(comm, sizeof comm, f))
			snprintf(comm, sizeof comm, "?");
		if (f)
			fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
		snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%llu %llu", &run, &wait) == 2)
			ccpu_add(u, comm, (double)run / 1e9, (double)wait / 1e9);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

/* Wait until the hub has finished what the night left it (the group commit
 * of the last push, the WAL checkpoint after it): until its CPU stops moving
 * for 300 ms, at most 'max_s' seconds. Then u holds the snapshot. */
static inline void ccpu_settle(pid_t pid, ccpu_use *u, double max_s)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	double last = -1;
	int still = 0;

	for (double waited = 0; waited < max_s; waited += 0.1) {
		ccpu_snapshot(pid, u);
		if (last >= 0 && u->total_s - last < 0.001) {
			if (++still == 3)
				return;
		} else {
			still = 0;
		}
		last = u->total_s;
		nanosleep(&pause, NULL);
	}
}

/* "name run+wait" per thread between two snapshots, on one line. */
static inline void ccpu_print(FILE *out, const ccpu_use *a, const ccpu_use *b)
{
	for (size_t i = 0; i < b->n; i++) {
		double run = 0, wait = 0;
		for (size_t k = 0; k < a->n; k++)
			if (!strcmp(a->name[k], b->name[i])) {
				run = a->run_s[k];
				wait = a->wait_s[k];
			}
		if (b->run_s[i] - run >= 0.005)
			fprintf(out, " %s %.2f+%.2f", b->name[i], b->run_s[i] - run, b->wait_s[i] - wait);
	}
}

/* Time on a core of the threads called 'name' between two snapshots. */
static inline double ccpu_run_of(const ccpu_use *a, const ccpu_use *b, const char *name)
{
	double before = 0, after = 0;

	for (size_t k = 0; k < a->n; k++)
		if (!strcmp(a->name[k], name))
			before = a->run_s[k];
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->name[i], name))
			after = b->run_s[i];
	return after - before;
}

/* CPU time of the calling thread, seconds. */
static inline double ccpu_thread_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
