/*
 * <libcasper.h> for a program built without Casper (FreeBSD's
 * WITH_CASPER convention): every call is an inline stand-in, and
 * caph_enter_casper() does not sandbox.
 */
#define _GNU_SOURCE
#undef HAVE_CASPER
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>

#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>

#include <capsicum_helpers.h>
#include <casper/cap_dns.h>
#include <casper/cap_fileargs.h>
#include <casper/cap_grp.h>
#include <casper/cap_net.h>
#include <casper/cap_netdb.h>
#include <casper/cap_pwd.h>
#include <casper/cap_sysctl.h>
#include <casper/cap_syslog.h>
#include <libcasper.h>

#include "harness.h"

#ifdef WITH_CASPER
#error "built with Casper"
#endif

START_TEST(stand_ins)
{
	cap_channel_t *chan = cap_init(), *svc, *copy;
	nvlist_t *limits = nvlist_create(0), *nvl;
	const char *names[] = {"system.dns"};
	unsigned mode = 1;

	ck_assert_int_eq(CASPER_SUPPORT, 0);
	ck_assert_ptr_nonnull(chan);
	ck_assert_int_eq(cap_sock(chan), -1);
	svc = cap_service_open(chan, "system.dns");
	ck_assert_ptr_nonnull(svc);
	ck_assert_int_eq(cap_service_limit(chan, names, 1), 0);
	ck_assert_int_eq(cap_limit_set(svc, limits), 0); /* the stand-in keeps limits */
	nvlist_destroy(limits);
	ck_assert_int_eq(cap_limit_get(svc, &limits), 0);
	ck_assert(limits != NULL && nvlist_empty(limits));
	nvlist_destroy(limits);
	nvl = cap_xfer_nvlist(svc, nvlist_create(0));
	ck_assert(nvl != NULL && nvlist_empty(nvl));
	nvlist_destroy(nvl);
	copy = cap_clone(svc);
	ck_assert_int_eq(cap_sock(copy), -1);
	cap_close(copy);
	cap_close(svc);
	cap_close(chan);
	ck_assert_int_eq(caph_enter_casper(), 0);
	ck_assert_int_eq(cap_getmode(&mode), 0);
	ck_assert_uint_eq(mode, 0);
}
END_TEST

START_TEST(wrapped_descriptor)
{
	int sv[2], flags = 0;
	cap_channel_t *chan, *copy;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_ptr_null(cap_wrap(sv[0], 0x4));
	chan = cap_wrap(sv[0], CASPER_NO_UNIQ);
	ck_assert_int_eq(cap_sock(chan), sv[0]);
	copy = cap_clone(chan);
	ck_assert_int_ne(cap_sock(copy), sv[0]);
	ck_assert_int_ge(fcntl(cap_sock(copy), F_GETFD), 0);
	ck_assert_int_eq(cap_channel_flags(copy), CASPER_NO_UNIQ);
	cap_close(copy);
	ck_assert_int_eq(cap_unwrap(chan, &flags), sv[0]);
	ck_assert_int_eq(flags, CASPER_NO_UNIQ);
}
END_TEST

/* Each service call is the plain libc call; limits are accepted. */
START_TEST(service_stand_ins)
{
	cap_channel_t *chan = cap_init();
	struct addrinfo hints = {.ai_family = AF_INET}, *res;
	const char *cmds[] = {"getpwnam"};
	char *argv[] = {(char *)"/etc/passwd", NULL};
	char ostype[64];
	size_t len = sizeof(ostype);
	fileargs_t *fa;
	struct stat st;
	int fd;

	ck_assert_ptr_nonnull(cap_getpwnam(chan, "root"));
	ck_assert_int_eq(cap_pwd_limit_cmds(chan, cmds, 1), 0);
	ck_assert_uint_eq(cap_getpwnam(chan, "root")->pw_uid, 0);
	ck_assert_ptr_nonnull(cap_getgrgid(chan, 0));
	ck_assert_ptr_nonnull(cap_getprotobyname(chan, "tcp"));
	ck_assert_int_eq(cap_getaddrinfo(chan, "127.0.0.1", NULL, &hints, &res), 0);
	freeaddrinfo(res);
	ck_assert_int_eq(cap_sysctlbyname(chan, "kernel.ostype", ostype, &len, NULL, 0), 0);
	ck_assert_str_eq(ostype, "Linux");
	cap_syslog(chan, LOG_DEBUG, "casper_mock %s", "test");
	fa = fileargs_init(1, argv, O_RDONLY, 0, NULL, FA_OPEN | FA_LSTAT);
	ck_assert_ptr_nonnull(fa);
	ck_assert_int_ge(fd = fileargs_open(fa, "/etc/passwd"), 0);
	close(fd);
	ck_assert_int_eq(fileargs_lstat(fa, "/etc/passwd", &st), 0);
	fileargs_free(fa);
	cap_close(chan);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("casper_mock");
	TCase *tc = tcase_create("mock");

	tcase_add_test(tc, stand_ins);
	tcase_add_test(tc, wrapped_descriptor);
	tcase_add_test(tc, service_stand_ins);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
