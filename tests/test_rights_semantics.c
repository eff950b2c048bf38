/*
 * The semantics of the limit calls (spec 2.5-2.8): rights only shrink, every
 * error case with FreeBSD's errno, ioctl lists and fcntl masks, and the
 * temporary refusal of descriptor copies and lookups (DEVIATIONS.md).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <netinet/in.h>

#include <sys/capsicum.h>

#include "harness.h"

static cap_rights_t rights(uint64_t a, uint64_t b)
{
	cap_rights_t r;

	cap_rights_init(&r);
	if (a)
		cap_rights_set(&r, a);
	if (b)
		cap_rights_set(&r, b);
	return r;
}

START_TEST(new_descriptor_has_all_rights)
{
	cap_rights_t r, all;
	uint32_t mask;
	int fd = tmpfile_fd(0);

	CAP_ALL(&all);
	ck_assert_ok(cap_rights_get(fd, &r));
	ck_assert_mem_eq(&r, &all, sizeof(r));
	ck_assert_int_eq(cap_ioctls_get(fd, NULL, 0), CAP_IOCTLS_ALL);
	ck_assert_ok(cap_fcntls_get(fd, &mask));
	ck_assert_uint_eq(mask, CAP_FCNTL_ALL);
}
END_TEST

/* O_PATH descriptors too: the kernel refuses unknown fcntl commands on them with EBADF. */
START_TEST(o_path_descriptor_limits)
{
	cap_rights_t r, all, want;
	int fd = open("/tmp", O_PATH | O_DIRECTORY);

	ck_assert_int_ge(fd, 0);
	CAP_ALL(&all);
	ck_assert_ok(cap_rights_get(fd, &r));
	ck_assert_mem_eq(&r, &all, sizeof(r));
	cap_rights_init(&want, CAP_FSTAT, CAP_LOOKUP);
	ck_assert_ok(cap_rights_limit(fd, &want));
	ck_assert_ok(cap_rights_get(fd, &r));
	ck_assert_mem_eq(&r, &want, sizeof(r));
	ck_assert_fails(fchdir(fd), ENOTCAPABLE);
}
END_TEST

START_TEST(limit_shrinks_and_replaces)
{
	cap_rights_t r = rights(CAP_READ, CAP_WRITE), small = rights(CAP_READ, 0), got;
	int fd = tmpfile_fd(1);

	ck_assert_ok(cap_rights_limit(fd, &r));
	ck_assert_ok(cap_rights_limit(fd, &r)); /* the same set again succeeds */
	ck_assert_ok(cap_rights_limit(fd, &small));
	ck_assert_ok(cap_rights_get(fd, &got));
	ck_assert_mem_eq(&got, &small, sizeof(got));
	ck_assert_fails(write(fd, "x", 1), ENOTCAPABLE);
}
END_TEST

START_TEST(limit_cannot_widen)
{
	cap_rights_t r = rights(CAP_READ, 0), wider = rights(CAP_READ, CAP_WRITE), got;
	int fd = tmpfile_fd(1);

	ck_assert_ok(cap_rights_limit(fd, &r));
	ck_assert_fails(cap_rights_limit(fd, &wider), ENOTCAPABLE);
	ck_assert_ok(cap_rights_get(fd, &got));
	ck_assert_mem_eq(&got, &r, sizeof(got));
	ck_assert_fails(write(fd, "x", 1), ENOTCAPABLE);
}
END_TEST

START_TEST(limit_errors)
{
	cap_rights_t r = rights(CAP_READ, 0), bad;

	ck_assert_fails(cap_rights_limit(-1, &r), EBADF);
	ck_assert_fails(cap_rights_limit(INT_MAX, &r), EBADF);
	ck_assert_fails(cap_rights_limit(1000, &r), EBADF);

	bad = r;
	bad.cr_rights[0] |= 1ULL << 62; /* version 1: EINVAL before the fd is looked at */
	ck_assert_fails(cap_rights_limit(-1, &bad), EINVAL);
	bad = r;
	bad.cr_rights[1] |= CAP_UNUSED1_24; /* unknown bit */
	ck_assert_fails(cap_rights_limit(0, &bad), EINVAL);
	bad = r;
	bad.cr_rights[1] = CAPRIGHT(0, 0); /* wrong marker */
	ck_assert_fails(cap_rights_limit(0, &bad), EINVAL);
}
END_TEST

START_TEST(get_errors)
{
	cap_rights_t r;
	uint32_t mask;

	ck_assert_fails(cap_rights_get(-1, &r), EBADF);
	ck_assert_fails(cap_rights_get(999, &r), EBADF);
	ck_assert_fails(__cap_rights_get(1, 0, &r), EINVAL);
	ck_assert_fails(cap_ioctls_get(-1, NULL, 0), EBADF);
	ck_assert_fails(cap_fcntls_get(-1, &mask), EBADF);
}
END_TEST

START_TEST(closed_limited_number_reports_ebadf)
{
	cap_rights_t r = rights(CAP_READ, 0), got;
	int fd = tmpfile_fd(1);

	ck_assert_ok(cap_rights_limit(fd, &r));
	close(fd);
	ck_assert_fails(cap_rights_get(fd, &got), EBADF);
	ck_assert_fails(cap_rights_limit(fd, &r), EBADF);
}
END_TEST

/*
 * Deviation: the rule belongs to the number.  A new file that lands on a
 * closed limited number keeps the restriction, and cap_rights_get says so.
 */
START_TEST(reused_number_keeps_its_limit)
{
	cap_rights_t r = rights(CAP_READ, 0), got;
	int fd = tmpfile_fd(1), again;

	ck_assert_ok(cap_rights_limit(fd, &r));
	close(fd);
	again = tmpfile_fd(0);
	ck_assert_int_eq(again, fd);
	ck_assert_ok(cap_rights_get(again, &got));
	ck_assert_mem_eq(&got, &r, sizeof(got));
	ck_assert_fails(write(again, "x", 1), ENOTCAPABLE);
}
END_TEST

START_TEST(dropping_ioctl_and_fcntl_clears_lists)
{
	cap_ioctl_t cmds[] = {FIONREAD};
	cap_rights_t r = rights(CAP_READ, 0);
	uint32_t mask;
	int fd = tmpfile_fd(1);

	ck_assert_ok(cap_ioctls_limit(fd, cmds, 1));
	ck_assert_ok(cap_fcntls_limit(fd, CAP_FCNTL_GETFL));
	ck_assert_ok(cap_rights_limit(fd, &r));
	ck_assert_int_eq(cap_ioctls_get(fd, NULL, 0), 0);
	ck_assert_ok(cap_fcntls_get(fd, &mask));
	ck_assert_uint_eq(mask, 0);
	/* Only the empty list and mask can be set now. */
	ck_assert_fails(cap_ioctls_limit(fd, cmds, 1), ENOTCAPABLE);
	ck_assert_ok(cap_ioctls_limit(fd, NULL, 0));
	ck_assert_fails(cap_fcntls_limit(fd, CAP_FCNTL_GETFL), ENOTCAPABLE);
	ck_assert_ok(cap_fcntls_limit(fd, 0));
}
END_TEST

START_TEST(ioctl_list_enforced)
{
	cap_ioctl_t cmds[] = {FIONREAD, FIOCLEX}, got[4] = {0};
	int p[2], n;

	ck_assert_ok(pipe(p));
	ck_assert_ok(cap_ioctls_limit(p[0], cmds, 2));
	ck_assert_int_eq(cap_ioctls_get(p[0], NULL, 0), 2);
	ck_assert_int_eq(cap_ioctls_get(p[0], got, 4), 2);
	ck_assert_uint_eq(got[0], FIONREAD);
	ck_assert_uint_eq(got[1], FIOCLEX);
	ck_assert_int_eq(cap_ioctls_get(p[0], got, 1), 2); /* the total, whatever fits */
	ck_assert_ok(ioctl(p[0], FIONREAD, &n));
	ck_assert_ok(ioctl(p[0], FIOCLEX));
	ck_assert_fails(ioctl(p[0], FIONBIO, &n), ENOTCAPABLE);
	ck_assert_fails(ioctl(p[0], FIONCLEX), ENOTCAPABLE);
	/* High bits of the register are not part of the command the kernel reads. */
	ck_assert_fails(syscall(SYS_ioctl, p[0], (unsigned long)FIONBIO | (1UL << 32), &n),
	                ENOTCAPABLE);
}
END_TEST

START_TEST(ioctl_list_only_shrinks)
{
	cap_ioctl_t two[] = {FIONREAD, FIOCLEX}, one[] = {FIOCLEX}, other[] = {FIONBIO};
	int fd = tmpfile_fd(0);

	ck_assert_ok(cap_ioctls_limit(fd, two, 2));
	ck_assert_fails(cap_ioctls_limit(fd, other, 1), ENOTCAPABLE);
	ck_assert_ok(cap_ioctls_limit(fd, one, 1));
	ck_assert_fails(cap_ioctls_limit(fd, two, 2), ENOTCAPABLE);
	ck_assert_ok(cap_ioctls_limit(fd, NULL, 0));
	ck_assert_int_eq(cap_ioctls_get(fd, NULL, 0), 0);
	ck_assert_fails(ioctl(fd, FIOCLEX), ENOTCAPABLE);
}
END_TEST

START_TEST(ioctl_limit_errors)
{
	static cap_ioctl_t many[CAP_IOCTLS_LIMIT_MAX + 1];

	ck_assert_fails(cap_ioctls_limit(-1, many, CAP_IOCTLS_LIMIT_MAX + 1), EINVAL);
	ck_assert_fails(cap_ioctls_limit(-1, many, 1), EBADF);
}
END_TEST

/* A full list of 256 commands fits in one filter and is read back intact. */
START_TEST(ioctl_list_of_256)
{
	cap_ioctl_t cmds[CAP_IOCTLS_LIMIT_MAX], got[CAP_IOCTLS_LIMIT_MAX];
	int p[2], n;

	for (unsigned i = 0; i < CAP_IOCTLS_LIMIT_MAX; i++)
		cmds[i] = 0x80000000u + i * 0x10001u;
	cmds[200] = FIONREAD;
	ck_assert_ok(pipe(p));
	ck_assert_ok(cap_ioctls_limit(p[0], cmds, CAP_IOCTLS_LIMIT_MAX));
	ck_assert_int_eq(cap_ioctls_get(p[0], got, CAP_IOCTLS_LIMIT_MAX), CAP_IOCTLS_LIMIT_MAX);
	ck_assert_mem_eq(got, cmds, sizeof(got));
	ck_assert_ok(ioctl(p[0], FIONREAD, &n));
	ck_assert_fails(ioctl(p[0], FIONBIO, &n), ENOTCAPABLE);
}
END_TEST

START_TEST(fcntl_mask_enforced)
{
	int p[2];
	uint32_t mask;

	ck_assert_ok(pipe(p));
	ck_assert_ok(cap_fcntls_limit(p[0], CAP_FCNTL_GETFL | CAP_FCNTL_GETOWN));
	ck_assert_ok(cap_fcntls_get(p[0], &mask));
	ck_assert_uint_eq(mask, CAP_FCNTL_GETFL | CAP_FCNTL_GETOWN);
	ck_assert_ok(fcntl(p[0], F_GETFL));
	ck_assert_ok(fcntl(p[0], F_GETOWN));
	ck_assert_fails(fcntl(p[0], F_SETFL, O_NONBLOCK), ENOTCAPABLE);
	ck_assert_fails(fcntl(p[0], F_SETOWN, getpid()), ENOTCAPABLE);
	/* Descriptor flags need no right. */
	ck_assert_ok(fcntl(p[0], F_GETFD));
	ck_assert_ok(fcntl(p[0], F_SETFD, FD_CLOEXEC));
	/* Only shrinks; bits outside CAP_FCNTL_ALL are EINVAL. */
	ck_assert_fails(cap_fcntls_limit(p[0], CAP_FCNTL_ALL), ENOTCAPABLE);
	ck_assert_fails(cap_fcntls_limit(p[0], 0x80), EINVAL);
	ck_assert_fails(cap_fcntls_limit(-1, 0), EBADF);
	ck_assert_ok(cap_fcntls_limit(p[0], CAP_FCNTL_GETFL));
	ck_assert_fails(fcntl(p[0], F_GETOWN), ENOTCAPABLE);
}
END_TEST

/* CAP_FCNTL itself is required as well as the mask bit. */
START_TEST(fcntl_needs_cap_fcntl)
{
	cap_rights_t r = rights(CAP_READ, CAP_FLOCK);
	struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	int fd = tmpfile_fd(1);

	ck_assert_ok(cap_rights_limit(fd, &r));
	ck_assert_fails(fcntl(fd, F_GETFL), ENOTCAPABLE);
	ck_assert_ok(fcntl(fd, F_GETLK, &l));
	ck_assert_ok(fcntl(fd, F_GETFD));
	/* A command the table does not know is refused on a limited descriptor. */
	ck_assert_fails(syscall(SYS_fcntl, fd, 0x7777, 0), ENOTCAPABLE);
}
END_TEST

/* Copies carry the rights (spec 2.8); test_propagation has the details. */
START_TEST(copies_carry_rights)
{
	cap_rights_t r = rights(CAP_READ, CAP_FSTAT), got;
	int fd = tmpfile_fd(1), other = tmpfile_fd(1), c;
	char buf[2];

	ck_assert_ok(cap_rights_limit(fd, &r));
	ck_assert_int_ge(c = dup(fd), 0);
	ck_assert_ok(cap_rights_get(c, &got));
	ck_assert_mem_eq(&got, &r, sizeof(r));
	ck_assert_int_eq(pread(c, buf, 1, 0), -1);
	ck_assert_int_eq(read(c, buf, 1), 1);
	ck_assert_fails(write(c, "x", 1), ENOTCAPABLE);
	ck_assert_int_ge(c = fcntl(fd, F_DUPFD_CLOEXEC, 0), 0);
	ck_assert_int_eq(fcntl(c, F_GETFD), FD_CLOEXEC);
	ck_assert_fails(write(c, "x", 1), ENOTCAPABLE);
	/* Deviation: not onto a number of the caller's choice outside the slow range. */
	ck_assert_fails(dup2(fd, 50), ENOTCAPABLE);
	ck_assert_fails(dup3(fd, 50, O_CLOEXEC), ENOTCAPABLE);
	ck_assert_fails(fcntl(50, F_GETFD), EBADF);
	/* A file placed on a limited number would not match its rule either. */
	ck_assert_fails(dup2(other, fd), ENOTCAPABLE);
	ck_assert_fails(dup3(other, fd, 0), ENOTCAPABLE);
	/* Unlimited descriptors copy as usual. */
	ck_assert_int_lt(dup(other), 50);
	ck_assert_int_eq(dup2(other, 60), 60);
}
END_TEST

/* Without a supervisor a copy would carry no rule: refused. */
START_TEST(kernel_only_copies_refused)
{
	cap_rights_t r = rights(CAP_READ, CAP_WRITE);
	int fd = tmpfile_fd(1), other = tmpfile_fd(1);

	force_kernel_only();
	ck_assert_ok(cap_rights_limit(fd, &r));
	ck_assert_fails(dup(fd), ENOTCAPABLE);
	ck_assert_fails(dup2(fd, 50), ENOTCAPABLE);
	ck_assert_fails(dup3(fd, 50, O_CLOEXEC), ENOTCAPABLE);
	ck_assert_fails(fcntl(fd, F_DUPFD, 0), ENOTCAPABLE);
	ck_assert_fails(fcntl(fd, F_DUPFD_CLOEXEC, 0), ENOTCAPABLE);
	ck_assert_fails(dup2(other, fd), ENOTCAPABLE);
	ck_assert_ok(dup(other));
	ck_assert_ok(dup2(other, 60));
}
END_TEST

/* The connection gets the listener's rights (FreeBSD), in the slow range. */
START_TEST(accept_carries_rights)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in peer = {0}, mine;
	socklen_t len = sizeof(sin), plen = sizeof(peer), mlen = sizeof(mine);
	cap_rights_t all, got;
	int s = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), n;
	pid_t pid;
	char buf[4];

	ck_assert_ok(bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	ck_assert_ok(listen(s, 4));
	ck_assert_ok(getsockname(s, (struct sockaddr *)&sin, &len));
	ck_assert_ok(connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	ck_assert_ok(getsockname(c, (struct sockaddr *)&mine, &mlen));
	CAP_ALL(&all);
	cap_rights_clear(&all, CAP_WRITE);
	ck_assert_ok(cap_rights_limit(s, &all));
	ck_assert_int_ge(n = accept(s, (struct sockaddr *)&peer, &plen), 8192);
	ck_assert_uint_eq(plen, sizeof(peer));
	ck_assert_uint_eq(peer.sin_port, mine.sin_port);
	ck_assert_ok(cap_rights_get(n, &got));
	ck_assert_mem_eq(&got, &all, sizeof(all));
	ck_assert_fails(write(n, "x", 1), ENOTCAPABLE);
	ck_assert_int_eq(write(c, "ab", 2), 2);
	ck_assert_int_eq(read(n, buf, 2), 2);
	ck_assert_int_eq(fcntl(n, F_GETFL) & O_NONBLOCK, 0);
	/* nothing pending on a non-blocking listener */
	ck_assert_ok(fcntl(s, F_SETFL, O_NONBLOCK));
	ck_assert_fails(accept4(s, NULL, NULL, SOCK_CLOEXEC), EAGAIN);
	/* a blocking accept waits for the connection */
	ck_assert_ok(fcntl(s, F_SETFL, 0));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int k = socket(AF_INET, SOCK_STREAM, 0);

		usleep(300 * 1000);
		_exit(connect(k, (struct sockaddr *)&sin, sizeof(sin)) == 0 ? 0 : 1);
	}
	ck_assert_int_ge(n = accept4(s, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK), 8192);
	ck_assert_int_eq(fcntl(n, F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(fcntl(n, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	ck_assert_fails(write(n, "x", 1), ENOTCAPABLE);
	/* without CAP_ACCEPT, nothing */
	cap_rights_clear(&all, CAP_ACCEPT);
	ck_assert_ok(cap_rights_limit(s, &all));
	ck_assert_fails(accept(s, NULL, NULL), ENOTCAPABLE);
	ck_assert_fails(accept4(s, NULL, NULL, 0x40000000), EINVAL);
}
END_TEST

/* Deviation (temporary): lookups beneath a limited directory are refused. */
START_TEST(lookups_below_limited_directory_refused)
{
	cap_rights_t all;
	struct stat sb;
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY);

	force_kernel_only();
	CAP_ALL(&all);
	cap_rights_clear(&all, CAP_FCHMOD); /* anything short of all rights */
	ck_assert_ok(cap_rights_limit(dir, &all));
	ck_assert_fails(openat(dir, ".", O_RDONLY), ENOTCAPABLE);
	ck_assert_fails(mkdirat(dir, "capsicum-x", 0700), ENOTCAPABLE);
	ck_assert_fails(unlinkat(dir, "capsicum-x", 0), ENOTCAPABLE);
	ck_assert_fails(faccessat(dir, ".", R_OK, 0), ENOTCAPABLE);
	ck_assert_fails(syscall(SYS_openat2, dir, ".", NULL, 0), ENOTCAPABLE);
	/* fstatat needs only CAP_FSTAT: the path cannot be seen (DEVIATIONS.md). */
	ck_assert_ok(fstatat(dir, ".", &sb, 0));
	ck_assert_ok(fstatat(dir, "", &sb, AT_EMPTY_PATH));
	ck_assert_ok(fstat(dir, &sb));
}
END_TEST

START_TEST(limits_apply_to_the_number_not_others)
{
	cap_rights_t r = rights(CAP_READ, 0);
	int a = tmpfile_fd(1), b = tmpfile_fd(1);

	ck_assert_ok(cap_rights_limit(a, &r));
	ck_assert_fails(write(a, "x", 1), ENOTCAPABLE);
	ck_assert_int_eq(write(b, "x", 1), 1);
	/* The high word of the register does not reach another number. */
	ck_assert_fails(syscall(SYS_write, (long)a | (1L << 32), "x", 1), ENOTCAPABLE);
	ck_assert_fails(syscall(SYS_write, (long)a | (0xffffL << 40), "x", 1), ENOTCAPABLE);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("rights_semantics");
	TCase *lim = tcase_create("limit");
	TCase *lists = tcase_create("lists");
	TCase *copy = tcase_create("copies");

	tcase_add_test(lim, new_descriptor_has_all_rights);
	tcase_add_test(lim, o_path_descriptor_limits);
	tcase_add_test(lim, limit_shrinks_and_replaces);
	tcase_add_test(lim, limit_cannot_widen);
	tcase_add_test(lim, limit_errors);
	tcase_add_test(lim, get_errors);
	tcase_add_test(lim, closed_limited_number_reports_ebadf);
	tcase_add_test(lim, reused_number_keeps_its_limit);
	tcase_add_test(lim, limits_apply_to_the_number_not_others);
	tcase_add_test(lists, dropping_ioctl_and_fcntl_clears_lists);
	tcase_add_test(lists, ioctl_list_enforced);
	tcase_add_test(lists, ioctl_list_only_shrinks);
	tcase_add_test(lists, ioctl_limit_errors);
	tcase_add_test(lists, ioctl_list_of_256);
	tcase_add_test(lists, fcntl_mask_enforced);
	tcase_add_test(lists, fcntl_needs_cap_fcntl);
	tcase_add_test(copy, copies_carry_rights);
	tcase_add_test(copy, kernel_only_copies_refused);
	tcase_add_test(copy, accept_carries_rights);
	tcase_add_test(copy, lookups_below_limited_directory_refused);
	suite_add_tcase(s, lim);
	suite_add_tcase(s, lists);
	suite_add_tcase(s, copy);
	return s;
}

TEST_MAIN()
