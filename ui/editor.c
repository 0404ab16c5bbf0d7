/*
 * editor: running the editor on a frame's file.
 *
 * While the editor runs, memtui ignores SIGINT and SIGQUIT as the C
 * library's system does (the keys belong to the editor, whose process group
 * is the terminal's too); the child gets their default actions back before
 * exec.
 */
#include "editor.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"

/* $VISUAL, else $EDITOR (when set and not empty), else vi. */
static const char *editor_command(void)
{
	const char *names[] = { "VISUAL", "EDITOR" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);

		if (v && *v)
			return v;
	}
	return "vi";
}

/* Runs argv (argv[0] a path) on the terminal; its wait status, or -1 with errno. */
static int run(char *const argv[])
{
	struct sigaction ign, old_int, old_quit;
	int status = -1, err = 0;
	pid_t pid;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		err = errno;
	while (pid > 0 && waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err = errno;
			status = -1;
			break;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	errno = err;
	return status;
}

int editor_open_frame(struct app *app, struct screen *s, uint32_t frame)
{
	const struct capture *cap = app->ex->cap;
	const struct frame *f = capture_frame(cap, frame);
	const char *file = f->file ? capture_string(cap, f->file) : "";
	const char *editor = editor_command();
	char script[1024], line[32], path[4096];
	char *argv[7];
	struct stat st;
	int n = 0, status;

	if (!*file) {
		app_message(app, "no file for this frame");
		return -1;
	}
	if (stat(file, &st) < 0 || !S_ISREG(st.st_mode)) {
		app_message(app, "%s: not on this machine", file);
		return -1;
	}
	/* A relative name that starts with '-' would read as an option. */
	snprintf(path, sizeof(path), "%s%s", file[0] == '-' ? "./" : "", file);
	snprintf(script, sizeof(script), "exec %s \"$@\"", editor);
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n++] = "sh";
	if (f->line) {
		snprintf(line, sizeof(line), "+%" PRIu32, f->line);
		argv[n++] = line;
	}
	argv[n++] = path;
	argv[n] = NULL;
	fflush(stdout);
	s->be->suspend(s);
	status = run(argv);
	s->be->resume(s);
	s->be->invalidate(s);
	if (status < 0) {
		app_message(app, "cannot run %s: %s", editor, strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		app_message(app, "edited %s%s%s", file, f->line ? ":" : "",
			    f->line ? line + 1 : "");
		return 0;
	}
	if (WIFEXITED(status))
		app_message(app, "%s exited with status %d", editor, WEXITSTATUS(status));
	else
		app_message(app, "%s ended by signal %d", editor, WTERMSIG(status));
	return -1;
}
