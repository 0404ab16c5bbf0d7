/*
 * record_threads: 8 named threads allocate 10,000 blocks of 48 bytes each at
 * the same time, then each frees its neighbour's blocks (cross-thread frees).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 8
#define BLOCKS 10000

static void *blocks[THREADS][BLOCKS];
static pthread_barrier_t all_allocated;

static void *worker(void *arg)
{
	int me = (int)(long)arg;
	char name[16];

	snprintf(name, sizeof(name), "worker-%d", me);
	pthread_setname_np(pthread_self(), name);
	for (int i = 0; i < BLOCKS; i++)
		blocks[me][i] = malloc(48);
	pthread_barrier_wait(&all_allocated);
	for (int i = 0; i < BLOCKS; i++)
		free(blocks[(me + 1) % THREADS][i]);
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];

	pthread_barrier_init(&all_allocated, NULL, THREADS);
	for (long i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	printf("threads: done\n");
	return 0;
}
