/*
 * Landlock, the outer fence of capability mode (src/capmode/landlock.c):
 * what it refuses on its own, on the kernels that have it, and that the
 * library does without it.  That capability mode is complete without it is
 * shown by test_capmode_attack, which runs every attack a second time with
 * Landlock hidden.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/capsicum.h>

#include "capmode/landlock.h"

#include "harness.h"

/* The fence alone, without capability mode: paths are refused by Landlock. */
START_TEST(fence_refuses_paths)
{
	int abi = landlock_abi(), held = open("/etc", O_RDONLY | O_DIRECTORY);

	ck_assert_int_ge(held, 0);
	if (abi < 1) {
		ck_assert_int_eq(landlock_fence(), -EOPNOTSUPP);
		return;
	}
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(landlock_fence(), 0);
	ck_assert_fails(open("/usr/include/stdio.h", O_RDONLY), EACCES);
	/*
	 * Files beneath a directory held with CAP_FEXECVE stay readable: exec
	 * opens its file again by path (landlock.c).  Nothing else does.
	 */
	ck_assert_int_ge(openat(held, "passwd", O_RDONLY), 0);
	ck_assert_fails(openat(held, "passwd", O_WRONLY), EACCES);
	ck_assert_fails(mkdirat(held, "capsicum-landlock-x", 0700), EACCES);
	ck_assert_fails(mkdir("/tmp/capsicum-landlock-x", 0700), EACCES);
	/* what was open before stays usable */
	ck_assert_int_ge(openat(held, ".", O_PATH), 0);
}
END_TEST

START_TEST(fence_refuses_tcp)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(9)};
	int s = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(s, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	if (landlock_abi() < 4) {
		ck_assert_int_ne(landlock_fence(), -EINVAL);
		return;
	}
	ck_assert_int_eq(landlock_fence(), 0);
	ck_assert_fails(connect(s, (struct sockaddr *)&sin, sizeof(sin)), EACCES);
	ck_assert_fails(bind(s, (struct sockaddr *)&sin, sizeof(sin)), EACCES);
}
END_TEST

START_TEST(fence_scopes_signals)
{
	pid_t child = fork();
	int st;

	ck_assert_int_ge(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	if (landlock_abi() < 6) {
		kill(child, SIGKILL);
		ck_assert_int_eq(waitpid(child, &st, 0), child);
		return;
	}
	ck_assert_int_eq(landlock_fence(), 0);
	/* the child was made before the fence: outside the domain */
	ck_assert_fails(kill(child, 0), EPERM);
	/* the process itself is fine */
	ck_assert_int_eq(kill(getpid(), 0), 0);
	ck_assert_int_eq(raise(0), 0);
}
END_TEST

/* cap_enter() builds the fence when the kernel has Landlock, and goes on without it. */
START_TEST(cap_enter_without_landlock)
{
	int d = open("/etc", O_RDONLY | O_DIRECTORY);

	hide_landlock();
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
	ck_assert_fails(openat(d, "../etc/passwd", O_RDONLY), ENOTCAPABLE);
	ck_assert_int_ge(openat(d, "passwd", O_RDONLY), 0);
	ck_assert_int_eq(kill(getpid(), 0), 0);
	ck_assert_fails(kill(getppid(), 0), ECAPMODE);
}
END_TEST

/* With the fence, the calls capability mode allows still work. */
START_TEST(cap_enter_with_landlock_keeps_what_is_allowed)
{
	int d = open("/etc", O_RDONLY | O_DIRECTORY), p[2];
	char c;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_ge(openat(d, "passwd", O_RDONLY), 0); /* the supervisor opens it */
	ck_assert_int_eq(kill(getpid(), 0), 0);
	ck_assert_int_eq(raise(0), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("landlock");
	TCase *tc = tcase_create("fence");

	tcase_add_test(tc, fence_refuses_paths);
	tcase_add_test(tc, fence_refuses_tcp);
	tcase_add_test(tc, fence_scopes_signals);
	tcase_add_test(tc, cap_enter_without_landlock);
	tcase_add_test(tc, cap_enter_with_landlock_keeps_what_is_allowed);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
