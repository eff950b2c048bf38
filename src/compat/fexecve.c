/*
 * fexecve(3) that works in capability mode.
 *
 * glibc's fexecve passes "" from its read-only data to execveat; in
 * capability mode the supervisor lets execveat continue only when that
 * "" lies in a sealed, read-only private mapping (supervisor/exec.c),
 * where no thread can rewrite it into a path between the check and the
 * exec.  Without mseal (Linux before 6.10) the page is merely read-only,
 * and fexecve in capability mode fails with ECAPMODE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define NR_mseal 462

static const char *empty = "";
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void make_sealed(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p =
	    mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	p[0] = '\0';
	if (mprotect(p, (size_t)page, PROT_READ) != 0)
		return;
	(void)syscall(NR_mseal, p, (size_t)page, 0UL);
	empty = p;
}

int fexecve(int fd, char *const argv[], char *const envp[])
{
	int saved = errno;

	pthread_once(&once, make_sealed);
	errno = saved;
	syscall(SYS_execveat, fd, empty, argv, envp, AT_EMPTY_PATH);
	return -1;
}
