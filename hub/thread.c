/*
 * thread.c - hub_thread_start and hub_thread_stop (thread.h).
 */
#include "thread.h"

hub_result hub_thread_start(hub_thread *t, void *(*fn)(void *), void *arg)
{
	t->stopping = 0;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, NULL);
	if (pthread_create(&t->id, NULL, fn, arg) != 0) {
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->wake);
		return HUB_ENOMEM;
	}
	return HUB_OK;
}

void hub_thread_stop(hub_thread *t)
{
	pthread_mutex_lock(&t->lock);
	t->stopping = 1;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->id, NULL);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->wake);
}
