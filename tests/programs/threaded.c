/*
 * threaded: calloc/realloc/free patterns across threads for heaptrack_fresh.sh.
 *
 * Four workers each build a list with calloc, grow an array with realloc and
 * free most of it; the main thread frees what the workers hand back and leaks
 * one block per worker.  Calls and leaks are stable; the peak and the
 * temporary count depend on scheduling, which is why the script compares
 * each run against heaptrack_print of the same file, never fixed numbers.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS 4
#define ITEMS 400

struct node {
	struct node *next;
	int value;
};

static void *worker(void *arg)
{
	struct node *head = NULL;
	int *arr = NULL;
	size_t n = 0;

	for (int i = 0; i < ITEMS; i++) {
		struct node *nd = calloc(1, sizeof(*nd));

		nd->value = i;
		nd->next = head;
		head = nd;
		if (i % 40 == 0) {
			int *next = realloc(arr, (n + 64) * sizeof(*arr));

			if (!next)
				abort();
			arr = next;
			memset(arr + n, 0, 64 * sizeof(*arr));
			n += 64;
		}
	}
	while (head) {
		struct node *next = head->next;

		free(head);
		head = next;
	}
	(void)arg;
	return arr;		/* freed by main */
}

int main(void)
{
	pthread_t t[WORKERS];
	void *leak[WORKERS];

	for (int i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < WORKERS; i++) {
		void *arr;

		pthread_join(t[i], &arr);
		free(arr);
		leak[i] = malloc(100 + (size_t)i);
		memset(leak[i], 0, 100);
	}
	return 0;
}
