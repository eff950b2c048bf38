/*
 * Test harness over Check (libcheck).  Every test case runs in a forked
 * process of its own (CK_FORK is forced on), so a test may stack seccomp
 * filters or enter capability mode without touching the others.
 */
#ifndef CAPSICUM_TEST_HARNESS_H
#define CAPSICUM_TEST_HARNESS_H

#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <ftw.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Assert that expr fails with errno e (the errno is printed on mismatch). */
#define ck_assert_fails(expr, e)                                                                   \
	do {                                                                                       \
		errno = 0;                                                                         \
		long _r = (long)(expr);                                                            \
		int _e = errno;                                                                    \
		ck_assert_msg(_r == -1 && _e == (e), "%s: returned %ld, errno %d (%s); want %d",   \
		              #expr, _r, _e, strerror(_e), (e));                                   \
	} while (0)

/* Assert that expr succeeds (returns something other than -1). */
#define ck_assert_ok(expr)                                                                         \
	do {                                                                                       \
		errno = 0;                                                                         \
		long _r = (long)(expr);                                                            \
		int _e = errno;                                                                    \
		ck_assert_msg(_r != -1, "%s: failed with errno %d (%s)", #expr, _e, strerror(_e)); \
	} while (0)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A fresh unlinked regular file opened O_RDWR, holding `size` bytes. */
static inline int tmpfile_fd(size_t size)
{
	char path[] = "/tmp/capsicum-test.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	for (size_t i = 0; i < size; i++)
		ck_assert_int_eq(write(fd, "x", 1), 1);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* An i386 system call through int $0x80; returns -errno like the kernel. */
static inline long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"(nr), "b"(a), "c"(b), "d"(c)
	                 : "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}

/*
 * The kernel-only configuration (architecture brief 3), as a process gets
 * it under a foreign seccomp listener: install one that routes nothing,
 * so that the library cannot install its own and runs without a
 * supervisor.  Call before the first limit or cap_enter.  The listener
 * stays open: closing it would free the chain for another.
 */
static inline void force_kernel_only(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {1, &allow};
	long fd;

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	ck_assert_int_ge(fd, 0);
}

/*
 * A kernel without Landlock, as far as the library can tell: a filter
 * failing the Landlock calls with ENOSYS.  For proving that capability
 * mode is complete without its outer fence.
 */
static inline void hide_landlock(void)
{
	struct sock_filter prog[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_landlock_create_ruleset, 3, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_landlock_add_rule, 2, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_landlock_restrict_self, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	};
	struct sock_fprog fprog = {sizeof(prog) / sizeof(prog[0]), prog};

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog), 0);
	ck_assert_int_eq(syscall(SYS_landlock_create_ruleset, NULL, 0, 1), -1);
	ck_assert_int_eq(errno, ENOSYS);
}

#ifdef _GNU_SOURCE /* nftw */
/*
 * A scratch directory for one tcase run (an unchecked fixture: made and
 * removed by the runner around all of the tcase's forked tests).
 */
static inline char *scratch_dir(void)
{
	static char dir[128];

	return dir;
}

static inline void scratch_setup(const char *name)
{
	snprintf(scratch_dir(), 128, "/tmp/capsicum-%s.XXXXXX", name);
	if (!mkdtemp(scratch_dir()))
		abort();
}

static inline int scratch_remove_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb, (void)flag, (void)f;
	(void)remove(p);
	return 0;
}

static inline void scratch_teardown(void)
{
	(void)nftw(scratch_dir(), scratch_remove_one, 32, FTW_DEPTH | FTW_PHYS);
}
#endif

/* Each test file defines `static Suite *make_suite(void)` and uses this main. */
#define TEST_MAIN()                                                                                \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr = srunner_create(make_suite());                                        \
		int failed;                                                                        \
		srunner_set_fork_status(sr, CK_FORK);                                              \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		failed = srunner_ntests_failed(sr);                                                \
		srunner_free(sr);                                                                  \
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                                  \
	}

/*
 * The supervisor, as our child: it is forked twice, and a subreaper
 * adopts it when its first parent exits.  It names itself just after it
 * announces its pid, so look for a while.  -1 if there is none.
 */
static inline pid_t find_supervisor(void)
{
	for (int tries = 0; tries < 300; tries++) {
		DIR *proc = opendir("/proc");
		struct dirent *de;
		pid_t found = -1;

		ck_assert_ptr_nonnull(proc);
		while (found < 0 && (de = readdir(proc)) != NULL) {
			char path[300], status[2048], *name, *ppid;
			int fd;
			ssize_t n;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
				continue;
			n = read(fd, status, sizeof(status) - 1);
			close(fd);
			if (n <= 0)
				continue;
			status[n] = '\0';
			name = strstr(status, "Name:\t");
			ppid = strstr(status, "\nPPid:\t");
			if (name && ppid && strncmp(name + 6, "capsicum-sup\n", 13) == 0 &&
			    atoi(ppid + 7) == getpid())
				found = atoi(de->d_name);
		}
		closedir(proc);
		if (found > 0)
			return found;
		usleep(10000);
	}
	return -1;
}

/*
 * Sends signals for a test: forked before any filter exists, it is not
 * supervised, so it reaches a stopped supervisor (a supervised sender's
 * kill() would wait for that very supervisor) and works for a test in
 * capability mode.
 */
struct killer {
	int cmd, ack;
};

static inline void killer_start(struct killer *k)
{
	int c[2], a[2];
	pid_t pid;

	ck_assert_int_eq(pipe(c), 0);
	ck_assert_int_eq(pipe(a), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int req[2];

		close(c[1]);
		close(a[0]);
		while (read(c[0], req, sizeof(req)) == sizeof(req)) {
			int e = kill(req[0], req[1]) == 0 ? 0 : errno;

			if (write(a[1], &e, sizeof(e)) != sizeof(e))
				break;
		}
		_exit(0);
	}
	close(c[0]);
	close(a[1]);
	k->cmd = c[1];
	k->ack = a[0];
}

static inline void killer_send(struct killer *k, pid_t pid, int sig)
{
	int req[2] = {pid, sig}, e = -1;

	ck_assert_int_eq(write(k->cmd, req, sizeof(req)), sizeof(req));
	ck_assert_int_eq(read(k->ack, &e, sizeof(e)), sizeof(e));
	ck_assert_msg(e == 0, "kill(%d, %d): errno %d", pid, sig, e);
}

/* Test children report their first failed check through a pipe. */

static int report_fd = -1; /* the child's end, in a child */

static inline _Noreturn void child_failed(int line, const char *what, int err)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "line %d: %s (errno %d, %s)", line, what, err,
	                 strerror(err));

	if (n > 0)
		(void)!write(report_fd, msg, strlen(msg));
	_exit(1);
}

#define CHILD_CHECK(expr)                                                                          \
	do {                                                                                       \
		errno = 0;                                                                         \
		if (!(expr))                                                                       \
			child_failed(__LINE__, #expr, errno);                                      \
	} while (0)

#define CHILD_FAILS(expr, e)                                                                       \
	do {                                                                                       \
		errno = 0;                                                                         \
		long _r = (long)(expr);                                                            \
		if (_r != -1 || errno != (e))                                                      \
			child_failed(__LINE__, #expr " should fail with " #e, errno);              \
	} while (0)

struct child {
	pid_t pid;
	int report;
};

/* Run fn(arg) in a child, which exits 0 when fn returns. */
static inline struct child spawn(void (*fn)(void *), void *arg)
{
	struct child c;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fcntl(p[0], F_SETFD, FD_CLOEXEC), 0);
	ck_assert_int_eq(fcntl(p[1], F_SETFD, FD_CLOEXEC), 0);
	c.pid = fork();
	ck_assert_int_ge(c.pid, 0);
	if (c.pid == 0) {
		close(p[0]);
		report_fd = p[1];
		fn(arg);
		_exit(0);
	}
	close(p[1]);
	c.report = p[0];
	return c;
}

/* Wait for the child; fail the test with its report if it failed. */
static inline void reap(struct child c)
{
	char msg[512] = "";
	ssize_t n = read(c.report, msg, sizeof(msg) - 1);
	int st;

	msg[n > 0 ? n : 0] = '\0';
	close(c.report);
	ck_assert_int_eq(waitpid(c.pid, &st, 0), c.pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child (status %#x): %s", st, msg);
}

#endif
