/*
 * fexecve(3) that works in capability mode.
 *
 * glibc's fexecve passes "" from its read-only data to execveat; the
 * supervisor lets execveat of a restricted descriptor continue only when
 * that "" lies in a sealed, read-only private mapping (supervisor/exec.c),
 * and in capability mode only when it lies in the supervisor's sealed
 * empty page mapped shared, where no process can rewrite it into a path
 * between the check and the exec.  Without mseal (Linux before 6.10) the page is merely read-only,
 * and fexecve in capability mode fails with ECAPMODE.  In capability mode
 * the program run is a sealed copy the supervisor makes of fd's file.
 *
 * LD_LIBRARY_PATH_FDS, FreeBSD's way to give the new program's loader its
 * library directories as descriptors (a list of numbers separated by
 * colons), becomes LD_LIBRARY_PATH=/proc/self/fd/N:... in front of any
 * LD_LIBRARY_PATH: glibc's loader opens those paths, the kernel resolves
 * them outside capability mode, and inside it the supervisor opens them
 * beneath descriptor N (supervisor/lookup.c).  No memory is allocated:
 * fexecve may be called between fork and exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <sys/capsicum.h>

#include "../supervisor/ctl.h"

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

#define FDS_VAR  "LD_LIBRARY_PATH_FDS="
#define PATH_VAR "LD_LIBRARY_PATH="
#define MAX_PATH 8192

/* The value of name (with '=') in env, or NULL. */
static const char *lookup(char *const env[], const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, n) == 0)
			return env[i] + n;
	return NULL;
}

/* LD_LIBRARY_PATH from the descriptors in fds, then old: in buf, or NULL if too long. */
static char *library_path(const char *fds, const char *old, char *buf, size_t size)
{
	size_t len = strlen(PATH_VAR);
	int n;

	memcpy(buf, PATH_VAR, len);
	for (const char *p = fds; *p;) {
		size_t digits = strspn(p, "0123456789");

		if (digits > 0 && (p[digits] == ':' || p[digits] == '\0')) {
			n = snprintf(buf + len, size - len, "%s/proc/self/fd/%.*s",
			             len > strlen(PATH_VAR) ? ":" : "", (int)digits, p);
			if (n < 0 || (size_t)n >= size - len)
				return NULL;
			len += (size_t)n;
		}
		p += digits + strcspn(p + digits, ":");
		p += *p == ':';
	}
	if (old && *old) {
		n = snprintf(buf + len, size - len, ":%s", old);
		if (n < 0 || (size_t)n >= size - len)
			return NULL;
	}
	return buf;
}

/*
 * The "" of capability mode: the supervisor's page of zeros, a memfd
 * sealed against every change, mapped shared and sealed here, where no
 * process can rewrite it into a path (supervisor/exec.c) -- another
 * process holding this one's /proc/PID/mem writes through the seal of a
 * private page.  Made once; NULL if it cannot be had.
 */
static const char *capmode_empty;

static const char *get_capmode_empty(void)
{
	long page = sysconf(_SC_PAGESIZE), fd;
	char *p;

	if (capmode_empty)
		return capmode_empty;
	if ((fd = syscall(SYS_prctl, CTL_PRCTL, CTL_EXEC_EMPTY, 0L, 0L, 0L)) < 0)
		return NULL;
	p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, (int)fd, 0);
	close((int)fd);
	if (p == MAP_FAILED)
		return NULL;
	if (syscall(NR_mseal, p, (size_t)page, 0UL) != 0) {
		munmap(p, (size_t)page);
		return NULL;
	}
	return capmode_empty = p;
}

/*
 * In capability mode the supervisor lets only a sealed copy of a program
 * run (supervisor/exec.c): ask for one, run it, and close it if the exec
 * failed.
 */
static void exec(int fd, char *const argv[], char *const envp[])
{
	const char *path = empty;
	unsigned mode = 0;
	long run = fd;
	int saved;

	if (cap_getmode(&mode) == 0 && mode) {
		if ((path = get_capmode_empty()) == NULL) {
			errno = ECAPMODE;
			return;
		}
		if ((run = syscall(SYS_prctl, CTL_PRCTL, CTL_EXEC_PIN, (long)fd, 0L, 0L)) < 0)
			return;
	}
	syscall(SYS_execveat, (int)run, path, argv, envp, AT_EMPTY_PATH);
	if (run != fd) {
		saved = errno;
		close((int)run);
		errno = saved;
	}
}

int fexecve(int fd, char *const argv[], char *const envp[])
{
	const char *fds = lookup(envp, FDS_VAR);
	size_t n = 0;
	int saved = errno;

	pthread_once(&once, make_sealed);
	errno = saved;
	if (fds == NULL) {
		exec(fd, argv, envp);
		return -1;
	}
	while (envp[n])
		n++;
	{
		char *env[n + 2], buf[MAX_PATH];
		size_t k = 0;

		env[k] = library_path(fds, lookup(envp, PATH_VAR), buf, sizeof(buf));
		if (env[k] == NULL) {
			errno = E2BIG;
			return -1;
		}
		k++;
		for (size_t i = 0; i < n; i++)
			if (strncmp(envp[i], PATH_VAR, strlen(PATH_VAR)) != 0)
				env[k++] = envp[i];
		env[k] = NULL;
		exec(fd, argv, env);
	}
	return -1;
}
