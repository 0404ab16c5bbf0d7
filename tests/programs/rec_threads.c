/*
 * rec_threads: 8 threads, each 1000 x malloc(48) freed at once and one
 * malloc(4096) kept (leaked), in functions named for the recorder's tests.
 */
#include <pthread.h>
#include <stdlib.h>

#define THREADS 8

__attribute__((noinline)) static void *thread_churn(size_t n)
{
	return malloc(n);
}

__attribute__((noinline)) static void *thread_keep(size_t n)
{
	return malloc(n);
}

static void *work(void *arg)
{
	for (int i = 0; i < 1000; i++)
		free(thread_churn(48));
	return arg ? NULL : thread_keep(4096);
}

int main(void)
{
	pthread_t t[THREADS];

	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	return 0;
}
