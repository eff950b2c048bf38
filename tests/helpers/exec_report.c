/*
 * Exec'd by the fexecve tests: a static program (a dynamic one's loader
 * could not open its libraries in capability mode) that reports who it
 * runs as, whether no_new_privs holds it, and whether it is in capability
 * mode -- asked of the filter itself, as cap_getmode() does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define CAPMODE_ANSWER 1999 /* src/capmode/policy.h */

int main(void)
{
	int capmode = syscall(SYS_chdir, NULL) == -1 && errno == CAPMODE_ANSWER;

	printf("euid=%d nnp=%d capmode=%d\n", (int)geteuid(),
	       prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), capmode);
	return 0;
}
