/*
 * task: one function run on a thread of its own while the caller goes on,
 * for two independent parts of one computation (a report's snapshots, its
 * tree and its top list).  When no thread can be made, task_start runs the
 * function itself: a result never depends on whether there was a thread.
 */
#ifndef MT_TASK_H
#define MT_TASK_H

#include <pthread.h>
#include <stdbool.h>

struct task {
	pthread_t thread;
	bool threaded;		/* false: the function has run already */
	void (*fn)(void *arg);
	void *arg;
};

/* Starts fn(arg) on a thread (or runs it now); task_join must follow. */
void task_start(struct task *t, void (*fn)(void *arg), void *arg);
/* Returns once fn has returned. */
void task_join(struct task *t);

#endif
