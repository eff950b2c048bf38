/*
 * Run by the capsicum(1) tests under the command: a static program (so
 * the command's handling of static binaries is what is tested) that knows
 * nothing of libcapsicum and probes from inside, with raw system calls:
 *
 *	cat FILE     print FILE, or "errno N" if it cannot be opened
 *	capmode      "capmode=1" if the capability-mode filter answers
 *	netlink      "errno N" of socket(AF_NETLINK, ...), a call capability mode forbids
 *	inet         "errno N" of socket(AF_INET6, SOCK_STREAM), then of socketpair(AF_UNIX)
 *	write0       "errno N" of a write to standard input
 *	fd N         "open" or "closed": descriptor N
 *	cwd          the working directory getcwd(2) reports
 *	map FILE     "errno N" of mmap(MAP_SHARED) of FILE for reading, then of
 *	             mprotect(PROT_WRITE) on it, and of mmap(MAP_SHARED) for writing
 *	hijack FILE  put standard input on every other open descriptor number (a
 *	             grant's among them), then open FILE for writing: "errno N"
 *	flood FILE   fill standard error (which no one reads), have 64 threads
 *	             name /etc/passwd over and over, then print FILE: the
 *	             supervisor must not wait for the refusal lines (alarm: 20 s)
 *	ctl          "errno N" of each of libcapsicum's control requests 9 to 13 (the
 *	             path table, traps, placing a descriptor), which a confined
 *	             program must not make
 *	exit N       exit with status N
 *	kill         end by SIGTERM
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/socket.h>

#define CAPMODE_ANSWER 1999 /* src/capmode/policy.h */

static int cat(const char *name)
{
	char buf[4096];
	ssize_t n;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, name, O_RDONLY);

	if (fd < 0) {
		printf("errno %d\n", errno);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	return n < 0;
}

static int map(const char *name)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, name, O_RDONLY);
	void *p;

	if (fd < 0) {
		printf("open errno %d\n", errno);
		return 1;
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	printf("errno %d\n", p == MAP_FAILED ? errno : 0);
	if (p != MAP_FAILED)
		printf("errno %d\n", mprotect(p, 4096, PROT_READ | PROT_WRITE) ? errno : 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("errno %d\n", p == MAP_FAILED ? errno : 0);
	return 0;
}

static int hijack(const char *name)
{
	static int open_fds[12288];
	int fd, n = 0;

	for (int i = 3; i < 12288; i++)
		if (fcntl(i, F_GETFD) >= 0)
			open_fds[n++] = i;
	for (int i = 0; i < n; i++)
		if (close(open_fds[i]) == 0 && fcntl(0, F_DUPFD, open_fds[i]) != open_fds[i])
			printf("not on %d\n", open_fds[i]);
	fd = (int)syscall(SYS_openat, AT_FDCWD, name, O_RDWR);
	printf("errno %d\n", fd < 0 ? errno : 0);
	if (fd >= 0 && write(fd, "x", 1) == 1)
		printf("wrote\n");
	return 0;
}

static void *fill_stderr(void *arg)
{
	static char junk[4096];

	(void)arg;
	memset(junk, 'x', sizeof(junk));
	for (;;)
		if (write(2, junk, sizeof(junk)) < 0)
			return NULL;
}

static void *name_passwd(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++)
		(void)syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
	return NULL;
}

static int flood(const char *name)
{
	pthread_t t, workers[64];

	alarm(20);
	pthread_create(&t, NULL, fill_stderr, NULL);
	usleep(100000);
	for (int i = 0; i < 64; i++)
		pthread_create(&workers[i], NULL, name_passwd, NULL);
	for (int i = 0; i < 64; i++)
		pthread_join(workers[i], NULL);
	fflush(stdout);
	return cat(name);
}

int main(int argc, char *argv[])
{
	const char *cmd = argc > 1 ? argv[1] : "";
	char cwd[4096];

	if (strcmp(cmd, "cat") == 0 && argc > 2)
		return cat(argv[2]);
	if (strcmp(cmd, "map") == 0 && argc > 2)
		return map(argv[2]);
	if (strcmp(cmd, "hijack") == 0 && argc > 2)
		return hijack(argv[2]);
	if (strcmp(cmd, "flood") == 0 && argc > 2) {
		int r = flood(argv[2]);

		fflush(stdout);
		_exit(r); /* the stderr thread is still blocked */
	}
	if (strcmp(cmd, "capmode") == 0)
		printf("capmode=%d\n", syscall(SYS_chdir, NULL) == -1 && errno == CAPMODE_ANSWER);
	else if (strcmp(cmd, "netlink") == 0)
		printf("errno %d\n", syscall(SYS_socket, AF_NETLINK, SOCK_RAW, 0) < 0 ? errno : 0);
	else if (strcmp(cmd, "inet") == 0) {
		int sv[2];

		printf("errno %d\n", syscall(SYS_socket, AF_INET6, SOCK_STREAM, 0) < 0 ? errno : 0);
		printf("errno %d\n", socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ? errno : 0);
	} else if (strcmp(cmd, "write0") == 0)
		printf("errno %d\n", syscall(SYS_write, 0, "x", 1) < 0 ? errno : 0);
	else if (strcmp(cmd, "fd") == 0 && argc > 2)
		printf("%s\n", fcntl(atoi(argv[2]), F_GETFD) < 0 ? "closed" : "open");
	else if (strcmp(cmd, "cwd") == 0)
		printf("%s\n", syscall(SYS_getcwd, cwd, sizeof(cwd)) < 0 ? strerror(errno) : cwd);
	else if (strcmp(cmd, "ctl") == 0) {
		char junk[4096] = {0};

		for (long op = 9; op <= 13; op++)
			printf("errno %d\n", syscall(SYS_prctl, 0x43415053L, op, 0L, (long)junk,
			                             (long)sizeof(junk)) < 0
			                         ? errno
			                         : 0);
	} else if (strcmp(cmd, "exit") == 0 && argc > 2)
		return atoi(argv[2]);
	else if (strcmp(cmd, "kill") == 0)
		raise(SIGTERM);
	else
		return 2;
	return 0;
}
