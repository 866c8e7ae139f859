/*
 * thread.h - a serve thread's life: its lock, the condition that wakes it
 * and the flag that stops it, started and stopped the same way by the
 * worker stages (worker.c) and the checkpointer (checkpointer.c).
 */
#ifndef HUB_THREAD_H
#define HUB_THREAD_H

#include <pthread.h>
#include "result.h"

typedef struct hub_thread {
	pthread_t id;
	pthread_mutex_t lock; /* guards stopping and the owner's queue */
	pthread_cond_t wake;  /* signalled when work or the stop arrives */
	int stopping;
} hub_thread;

/* Make the lock and condition and run fn(arg) on a new thread. On failure
 * (HUB_ENOMEM: no thread could be made) nothing is left to undo. */
hub_result hub_thread_start(hub_thread *t, void *(*fn)(void *), void *arg);
/* Set stopping, wake the thread and wait for it to end; then free the lock
 * and the condition. The thread's own loop decides what it finishes first. */
void hub_thread_stop(hub_thread *t);

#endif
