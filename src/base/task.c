/* task: see task.h. */
#include "task.h"

static void *run(void *arg)
{
	struct task *t = arg;

	t->fn(t->arg);
	return NULL;
}

void task_start(struct task *t, void (*fn)(void *arg), void *arg)
{
	t->fn = fn;
	t->arg = arg;
	t->threaded = pthread_create(&t->thread, NULL, run, t) == 0;
	if (!t->threaded)
		fn(arg);
}

void task_join(struct task *t)
{
	if (t->threaded)
		pthread_join(t->thread, NULL);
	t->threaded = false;
}
