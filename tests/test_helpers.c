/*
 * <capsicum_helpers.h>: FreeBSD's semantics, and what caph_cache_tzdata()
 * must do on Linux so that local time survives capability mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <capsicum_helpers.h>

#include "harness.h"

static void assert_rights(int fd, const cap_rights_t *want)
{
	cap_rights_t got;

	ck_assert_int_eq(cap_rights_get(fd, &got), 0);
	ck_assert(cap_rights_contains(want, &got) && cap_rights_contains(&got, want));
}

START_TEST(stream_rights)
{
	cap_rights_t r, want;

	caph_stream_rights(&r, CAPH_READ | CAPH_LOOKUP);
	cap_rights_init(&want, CAP_EVENT, CAP_FCNTL, CAP_FSTAT, CAP_IOCTL, CAP_SEEK, CAP_READ,
	                CAP_LOOKUP);
	ck_assert(cap_rights_contains(&want, &r) && cap_rights_contains(&r, &want));
	caph_stream_rights(&r, CAPH_WRITE);
	ck_assert(cap_rights_is_set(&r, CAP_WRITE) && !cap_rights_is_set(&r, CAP_READ));
}
END_TEST

/* A stream: its rights, two ioctls, F_GETFL only. */
START_TEST(limit_stream)
{
	int p[2], flags;
	cap_rights_t want;
	cap_ioctl_t cmds[4];
	uint32_t fcntls;
	char c;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(caph_limit_stream(p[0], CAPH_READ), 0);
	caph_stream_rights(&want, CAPH_READ);
	assert_rights(p[0], &want);
	ck_assert_int_eq(cap_ioctls_get(p[0], cmds, 4), 2);
	ck_assert_uint_eq(cmds[0], TCGETS);
	ck_assert_uint_eq(cmds[1], TIOCGWINSZ);
	ck_assert_int_eq(cap_fcntls_get(p[0], &fcntls), 0);
	ck_assert_uint_eq(fcntls, CAP_FCNTL_GETFL);
	ck_assert_int_ge(flags = fcntl(p[0], F_GETFL), 0);
	ck_assert_fails(fcntl(p[0], F_SETFL, flags | O_NONBLOCK), ENOTCAPABLE);
	ck_assert_fails(ioctl(p[0], FIONREAD, &flags), ENOTCAPABLE);
	ck_assert_int_eq(isatty(p[0]), 0); /* TCGETS allowed: ENOTTY, not refused */
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	ck_assert_fails(write(p[0], "x", 1), ENOTCAPABLE);
}
END_TEST

START_TEST(limit_stream_bad_descriptor)
{
	ck_assert_fails(caph_limit_stream(999, CAPH_READ), EBADF);
	ck_assert_int_eq(caph_limit_stream(999, CAPH_READ | CAPH_IGNORE_EBADF), 0);
}
END_TEST

/* stdio: each its stream rights; a closed one is skipped. */
START_TEST(limit_stdio)
{
	int p[2];
	cap_rights_t want;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(dup2(p[1], STDOUT_FILENO), STDOUT_FILENO);
	close(STDIN_FILENO);
	ck_assert_int_eq(caph_limit_stdio(), 0);
	caph_stream_rights(&want, CAPH_WRITE);
	assert_rights(STDOUT_FILENO, &want);
	assert_rights(STDERR_FILENO, &want);
	ck_assert_int_eq(write(STDOUT_FILENO, "x", 1), 1);
	ck_assert_fails(read(STDOUT_FILENO, &want, 1), ENOTCAPABLE);
}
END_TEST

START_TEST(enter_and_limits)
{
	unsigned mode = 0;
	cap_rights_t r;
	int fd = open("/dev/null", O_RDWR);
	const unsigned long cmd = FIONREAD;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(caph_rights_limit(fd, cap_rights_init(&r, CAP_READ, CAP_IOCTL, CAP_FCNTL)),
	                 0);
	ck_assert_int_eq(caph_ioctls_limit(fd, &cmd, 1), 0);
	ck_assert_int_eq(caph_fcntls_limit(fd, CAP_FCNTL_GETFL), 0);
	ck_assert_fails(caph_rights_limit(fd, cap_rights_init(&r, CAP_READ, CAP_WRITE)),
	                ENOTCAPABLE);
	ck_assert_fails(caph_rights_limit(999, &r), EBADF);
	ck_assert_int_eq(caph_enter(), 0);
	ck_assert_int_eq(cap_getmode(&mode), 0);
	ck_assert_uint_eq(mode, 1);
	ck_assert_int_eq(caph_enter(), 0);
}
END_TEST

/* Built without Casper, caph_enter_casper() does not sandbox (FreeBSD's WITH_CASPER convention). */
START_TEST(enter_casper_without_casper)
{
	unsigned mode = 1;

	ck_assert_int_eq(CASPER_SUPPORT, 0);
	ck_assert_int_eq(caph_enter_casper(), 0);
	ck_assert_int_eq(cap_getmode(&mode), 0);
	ck_assert_uint_eq(mode, 0);
}
END_TEST

/*
 * With TZ unset, glibc's localtime() looks for /etc/localtime on every
 * call; caph_cache_tzdata() names the zone, so that in capability mode the
 * zone loaded before is used, and local time is what it was.
 */
START_TEST(tzdata_cached)
{
	time_t t = 1700000000;
	struct tm before, *after;

	unsetenv("TZ");
	caph_cache_tzdata();
	ck_assert_str_eq(getenv("TZ"), ":/etc/localtime");
	before = *localtime(&t);
	ck_assert_int_eq(caph_enter(), 0);
	after = localtime(&t);
	ck_assert_int_eq(after->tm_hour, before.tm_hour);
	ck_assert_int_eq(after->tm_gmtoff, before.tm_gmtoff);
	ck_assert_str_eq(after->tm_zone, before.tm_zone);
	/* a zone named by the program is kept as it is */
	setenv("TZ", "UTC0", 1);
	caph_cache_tzdata();
	ck_assert_str_eq(getenv("TZ"), "UTC0");
}
END_TEST

START_TEST(catpages_cached)
{
	caph_cache_catpages();
	ck_assert_int_eq(caph_enter(), 0);
	ck_assert_str_eq(strerror(ENOENT), "No such file or directory");
	ck_assert_str_eq(strerror(ECAPMODE), "Not permitted in capability mode");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("helpers");
	TCase *tc = tcase_create("helpers");

	tcase_add_test(tc, stream_rights);
	tcase_add_test(tc, limit_stream);
	tcase_add_test(tc, limit_stream_bad_descriptor);
	tcase_add_test(tc, limit_stdio);
	tcase_add_test(tc, enter_and_limits);
	tcase_add_test(tc, enter_casper_without_casper);
	tcase_add_test(tc, tzdata_cached);
	tcase_add_test(tc, catpages_cached);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
