/*
 * Test harness over Check (libcheck).  Every test case runs in a forked
 * process of its own (CK_FORK is forced on), so a test may stack seccomp
 * filters or enter capability mode without touching the others.
 */
#ifndef CAPSICUM_TEST_HARNESS_H
#define CAPSICUM_TEST_HARNESS_H

#include <sys/prctl.h>
#include <sys/syscall.h>
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

#endif
