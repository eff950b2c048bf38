/*
 * system.netdb: getprotobyname from capability mode compared with the C
 * library; no limits accepted; clients that send what they should not;
 * and a fake service whose replies the client must not trust.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <casper/cap_netdb.h>
#include <libcasper.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "casper_test.h"
#include "harness.h"

#define MAXTEXT 4096

static void proto_text(char *buf, size_t size, const struct protoent *pp)
{
	size_t len;

	if (pp == NULL) {
		snprintf(buf, size, "NULL");
		return;
	}
	snprintf(buf, size, "name=%s proto=%d aliases=", pp->p_name, pp->p_proto);
	for (char **a = pp->p_aliases; *a != NULL; a++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s,", *a);
	}
}

static const char *const names[] = {"ip",  "tcp",       "udp", "icmp", "ipv6-icmp",
                                    "TCP", "IPv6-ICMP", "gre", "",     "no-such-protocol"};

START_TEST(getprotobyname_matches_libc)
{
	cap_channel_t *chan = open_service("system.netdb");
	char want[ARRAY_LEN(names)][MAXTEXT], got[MAXTEXT];
	struct protoent *pp;

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		proto_text(want[i], MAXTEXT, getprotobyname(names[i]));
	ck_assert_str_ne(want[1], "NULL");
	ck_assert_int_eq(cap_enter(), 0);
	/* The C library itself can no longer read /etc/protocols. */
	ck_assert_ptr_null(getprotobyname("tcp"));
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		proto_text(got, sizeof(got), cap_getprotobyname(chan, names[i]));
		ck_assert_msg(strcmp(got, want[i]) == 0, "%s: got %s, want %s", names[i], got,
		              want[i]);
	}
	/* One protoent, rebuilt by each call. */
	pp = cap_getprotobyname(chan, "tcp");
	ck_assert_ptr_eq(pp, cap_getprotobyname(chan, "udp"));
	ck_assert_int_eq(pp->p_proto, 17);
	ck_assert_ptr_null(cap_getprotobyname(chan, NULL));
	cap_close(chan);
}
END_TEST

/* The service has no limits: any limit is refused (EOPNOTSUPP, as FreeBSD), and it serves on. */
START_TEST(limits_refused)
{
	cap_channel_t *chan = open_service("system.netdb");
	nvlist_t *l = nvlist_create(0);

	ck_assert_int_eq(cap_enter(), 0);
	nvlist_add_null(l, "tcp");
	ck_assert_fails(cap_limit_set(chan, l), EOPNOTSUPP);
	ck_assert_fails(cap_limit_set(chan, nvlist_create(0)), EOPNOTSUPP);
	ck_assert_int_eq(cap_limit_get(chan, &l), 0);
	ck_assert_ptr_null(l);
	ck_assert_ptr_nonnull(cap_getprotobyname(chan, "tcp"));
	cap_close(chan);
}
END_TEST

static nvlist_t *hostile(int i)
{
	static char big[100000];
	nvlist_t *n = nvlist_create(0);

	memset(big, 't', sizeof(big) - 1);
	switch (i) {
	case 0:
		nvlist_add_string(n, "name", "tcp");
		break;
	case 1:
		nvlist_add_string(n, "cmd", "getprotobynumber");
		nvlist_add_number(n, "proto", 6);
		break;
	case 2:
		nvlist_add_string(n, "cmd", "getprotobyname");
		break;
	case 3:
		nvlist_add_string(n, "cmd", "getprotobyname");
		nvlist_add_number(n, "name", 6);
		break;
	case 4:
		nvlist_add_string(n, "cmd", "getprotobyname");
		nvlist_add_string(n, "name", big);
		break;
	case 5:
		nvlist_add_string(n, "cmd", "getprotobyname");
		nvlist_add_binary(n, "name", "tcp", 4);
		break;
	case 6:
		nvlist_add_number(n, "cmd", 1);
		break;
	default:
		nvlist_destroy(n);
		return NULL;
	}
	return n;
}

START_TEST(hostile_requests)
{
	cap_channel_t *chan = open_service("system.netdb");
	nvlist_t *n, *reply;

	ck_assert_int_eq(cap_enter(), 0);
	for (int i = 0; (n = hostile(i)) != NULL; i++) {
		reply = cap_xfer_nvlist(chan, n);
		ck_assert_ptr_nonnull(reply);
		ck_assert_msg(nvlist_get_number(reply, "error") != 0, "request %d", i);
		nvlist_destroy(reply);
		ck_assert_ptr_nonnull(cap_getprotobyname(chan, "udp"));
		ck_assert_int_eq(cap_getprotobyname(chan, "udp")->p_proto, 17);
	}
	cap_close(chan);
}
END_TEST

/* A service that answers every name with a reply shaped by it. */
static int fake_command(const char *cmd, const nvlist_t *limits, nvlist_t *in, nvlist_t *out)
{
	const char *what = nvlist_get_string(in, "name");

	(void)cmd;
	(void)limits;
#define IS(w) (strcmp(what, (w)) == 0)
	if (!IS("no-name"))
		nvlist_add_string(out, "name", "fake");
	nvlist_add_number(out, "proto",
	                  IS("negative") ? (uint64_t)-1
	                  : IS("huge")   ? 1ull << 40
	                                 : 6);
	nvlist_add_number(out, "naliases", IS("count") ? 1ull << 40 : IS("alias-missing") ? 2 : 1);
	if (IS("alias-number"))
		nvlist_add_number(out, "alias0", 1);
	else
		nvlist_add_string(out, "alias0", "FAKE");
	if (IS("no-proto"))
		nvlist_free_number(out, "proto");
#undef IS
	return 0;
}

static __attribute__((constructor)) void register_fake(void)
{
	service_register("test.fakenetdb", NULL, fake_command, 0);
}

START_TEST(client_checks_replies)
{
	static const char *const bad[] = {"no-name",       "negative",     "huge",    "count",
	                                  "alias-missing", "alias-number", "no-proto"};
	cap_channel_t *chan = open_service("test.fakenetdb");
	struct protoent *pp;

	ck_assert_int_eq(cap_enter(), 0);
	pp = cap_getprotobyname(chan, "ok");
	ck_assert_ptr_nonnull(pp);
	ck_assert_str_eq(pp->p_name, "fake");
	ck_assert_int_eq(pp->p_proto, 6);
	ck_assert_str_eq(pp->p_aliases[0], "FAKE");
	ck_assert_ptr_null(pp->p_aliases[1]);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		ck_assert_msg(cap_getprotobyname(chan, bad[i]) == NULL, "%s accepted", bad[i]);
	cap_close(chan);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cap_netdb");
	TCase *tc = tcase_create("netdb");

	tcase_add_test(tc, getprotobyname_matches_libc);
	tcase_add_test(tc, limits_refused);
	tcase_add_test(tc, hostile_requests);
	tcase_add_test(tc, client_checks_replies);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
