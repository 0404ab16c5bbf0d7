/*
 * record_life: a process's life under the recorder, one case per argument:
 *   fork        3 x 111 B, fork; the child 5 x 222 B and exit; the parent 2 x 333 B
 *   exec        4 x 444 B, then exec itself as "exec-image": 6 x 555 B
 *   closeall    close_range(3, ~0U, 0), then 999 x 4242 B
 *   exit-now    3 x 1234 B, then _exit(0)
 *   sigkill     100 x 4321 B, 100 ms of sleep, then SIGKILL of itself
 *   signal      3 x SIGUSR1 (the program's own handler chained), a stage mark
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "memtui.h"

static void *leak(size_t size, int n)
{
	void *p = NULL;

	for (int i = 0; i < n; i++) {
		p = malloc(size);
		*(volatile char *)p = 1;
	}
	return p;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "fork")) {
		int status;
		pid_t pid;

		leak(111, 3);
		pid = fork();
		if (pid == 0) {
			leak(222, 5);
			exit(0);
		}
		waitpid(pid, &status, 0);
		leak(333, 2);
	} else if (!strcmp(mode, "exec")) {
		leak(444, 4);
		execl("/proc/self/exe", argv[0], "exec-image", (char *)NULL);
		return 2;
	} else if (!strcmp(mode, "exec-image")) {
		leak(555, 6);
	} else if (!strcmp(mode, "closeall")) {
		close_range(3, ~0U, 0);
		leak(4242, 999);
	} else if (!strcmp(mode, "exit-now")) {
		leak(1234, 3);
		_exit(0);
	} else if (!strcmp(mode, "sigkill")) {
		leak(4321, 100);
		nap_ms(100);
		kill(getpid(), SIGKILL);
	} else if (!strcmp(mode, "signal")) {
		signal(SIGUSR1, on_usr1);
		for (int i = 0; i < 3; i++) {
			leak(2020, 1);
			raise(SIGUSR1);
		}
		if (memtui_stage("c-stage") != 0 && getenv("MEMTUI_RECORD_DIR"))
			return 3;
		leak(3030, 1);
		if (handled != 3)
			return 4;
	} else {
		return 1;
	}
	return 0;
}
