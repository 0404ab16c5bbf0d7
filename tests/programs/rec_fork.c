/*
 * rec_fork: the parent allocates 1000 bytes (kept), forks; the child frees
 * its copy of that block (a free of memory it did not allocate: ignored),
 * allocates 3 x 200 bytes (kept) and exits 0; the parent waits, then
 * allocates 50 bytes (kept).
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	void *volatile a = malloc(1000);
	pid_t pid = fork();

	if (pid == 0) {
		void *volatile k[3];

		free(a);
		for (int i = 0; i < 3; i++)
			k[i] = malloc(200);
		exit(0);
	}
	waitpid(pid, NULL, 0);
	a = malloc(50);
	return 0;
}
