/* rec_exec: allocates 777 bytes (kept), then execs argv[1] with argv[2...]. */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	void *volatile a = malloc(777);

	(void)a;
	if (argc > 1)
		execv(argv[1], argv + 1);
	return 1;
}
