/*
 * system.dns: every lookup used from capability mode and compared with
 * the C library (answers from /etc/hosts, /etc/services and numbers: no
 * network DNS); the type and family limits enforced, replaced part by
 * part and only narrowed; clients that send what they should not; and a
 * fake service whose replies the client must not trust.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <casper/cap_dns.h>
#include <libcasper.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "casper_test.h"
#include "harness.h"
#include "lookups.h"

static const unsigned char lo4[4] = {127, 0, 0, 1};
static const unsigned char lo6[16] = {[15] = 1};

static int getaddrinfo_family(cap_channel_t *chan, const char *host, int family)
{
	struct addrinfo hints = {.ai_family = family}, *res;
	int err = cap_getaddrinfo(chan, host, NULL, &hints, &res);

	if (err == 0) {
		for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
			ck_assert_int_eq(ai->ai_family, family == AF_UNSPEC ? AF_INET : family);
		freeaddrinfo(res);
	}
	return err;
}

static int nameinfo(cap_channel_t *chan, int family)
{
	struct sockaddr_storage ss;
	socklen_t len = lk_sockaddr(&ss, family, family == AF_INET ? "127.0.0.1" : "::1", 80);
	char host[NI_MAXHOST];

	return cap_getnameinfo(chan, (struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0,
	                       NI_NUMERICHOST);
}

/* h_errno of a gethostby* call that must fail. */
#define ck_host_fails(expr, herr)                                                                  \
	do {                                                                                       \
		h_errno = 0;                                                                       \
		ck_assert_ptr_null(expr);                                                          \
		ck_assert_int_eq(h_errno, (herr));                                                 \
	} while (0)

/* ---- every call, compared with the C library ---- */

START_TEST(lookups_match_libc_in_capability_mode)
{
	cap_channel_t *chan = open_service("system.dns");
	char(*want)[LK_MAX] = lk_expected(), got[LK_MAX];

	ck_assert_int_eq(cap_enter(), 0);
	/* The C library itself can no longer answer: the service does. */
	ck_assert_ptr_null(gethostbyname("localhost"));
	for (size_t i = 0; i < LK_NCASES; i++) {
		lk_run(chan, &lk_cases[i], got, sizeof(got));
		ck_assert_msg(strcmp(got, want[i]) == 0, "case %zu: got  %s\nwant %s", i, got,
		              want[i]);
	}
	cap_close(chan);
}
END_TEST

/* The hostent is the library's: a second call replaces the first one's. */
START_TEST(hostent_storage_is_reused)
{
	cap_channel_t *chan = open_service("system.dns");
	struct hostent *a, *b;

	ck_assert_int_eq(cap_enter(), 0);
	a = cap_gethostbyname(chan, "localhost");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->h_name, "localhost");
	b = cap_gethostbyaddr(chan, lo4, 4, AF_INET);
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(b->h_length, 4);
	ck_assert_mem_eq(b->h_addr_list[0], lo4, 4);
	cap_close(chan);
}
END_TEST

/*
 * getnameinfo takes only AF_INET and AF_INET6 addresses of exact size
 * (as FreeBSD's libc); glibc accepts a longer AF_INET one.
 */
START_TEST(getnameinfo_exact_sizes_only)
{
	cap_channel_t *chan = open_service("system.dns");
	struct sockaddr_storage ss;
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = "/tmp/x"};
	socklen_t len = lk_sockaddr(&ss, AF_INET, "127.0.0.1", 80);
	char host[NI_MAXHOST];

	ck_assert_int_eq(getnameinfo((struct sockaddr *)&ss, len + 1, host, sizeof(host), NULL, 0,
	                             NI_NUMERICHOST),
	                 0);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_getnameinfo(chan, (struct sockaddr *)&ss, len, host, sizeof(host),
	                                 NULL, 0, NI_NUMERICHOST),
	                 0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_int_eq(cap_getnameinfo(chan, (struct sockaddr *)&ss, len + 1, host, sizeof(host),
	                                 NULL, 0, NI_NUMERICHOST),
	                 EAI_FAMILY);
	ss.ss_family = AF_INET6;
	ck_assert_int_eq(cap_getnameinfo(chan, (struct sockaddr *)&ss, len, host, sizeof(host),
	                                 NULL, 0, NI_NUMERICHOST),
	                 EAI_FAMILY);
	ck_assert_int_eq(cap_getnameinfo(chan, (struct sockaddr *)&sun, sizeof(sun), host,
	                                 sizeof(host), NULL, 0, 0),
	                 EAI_FAMILY);
	ck_assert_int_eq(cap_getnameinfo(chan, NULL, 0, host, sizeof(host), NULL, 0, 0),
	                 EAI_FAMILY);
	cap_close(chan);
}
END_TEST

/* ---- limits ---- */

START_TEST(type_name2addr_only)
{
	const char *types[] = {"NAME2ADDR"}, *both[] = {"NAME2ADDR", "ADDR2NAME"},
	           *other[] = {"ADDR2NAME"};
	cap_channel_t *chan = open_service("system.dns");
	struct addrinfo *res;
	nvlist_t *limits;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_dns_type_limit(chan, types, 1), 0);
	ck_assert_ptr_nonnull(cap_gethostbyname(chan, "localhost"));
	ck_assert_ptr_nonnull(cap_gethostbyname2(chan, "localhost", AF_INET));
	ck_assert_int_eq(cap_getaddrinfo(chan, "localhost", "http", NULL, &res), 0);
	freeaddrinfo(res);
	ck_host_fails(cap_gethostbyaddr(chan, lo4, 4, AF_INET), NO_RECOVERY);
	ck_assert_int_eq(nameinfo(chan, AF_INET), EAI_FAIL);
	/* Widening, or dropping the type part, is refused. */
	ck_assert_fails(cap_dns_type_limit(chan, both, 2), ENOTCAPABLE);
	ck_assert_fails(cap_dns_type_limit(chan, other, 1), ENOTCAPABLE);
	ck_assert_fails(cap_dns_type_limit(chan, NULL, 0), ENOTCAPABLE);
	ck_assert_fails(cap_limit_set(chan, NULL), ENOTCAPABLE);
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_ptr_nonnull(limits);
	ck_assert_str_eq(nvlist_get_string(limits, "type0"), "NAME2ADDR");
	ck_assert(!nvlist_exists(limits, "type1"));
	nvlist_destroy(limits);
	ck_host_fails(cap_gethostbyaddr(chan, lo4, 4, AF_INET), NO_RECOVERY);
	/* Setting the same again is no widening. */
	ck_assert_int_eq(cap_dns_type_limit(chan, types, 1), 0);
	cap_close(chan);
}
END_TEST

START_TEST(type_addr2name_only)
{
	const char *types[] = {"ADDR2NAME"};
	cap_channel_t *chan = open_service("system.dns");
	struct addrinfo *res;
	struct hostent *hp;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_dns_type_limit(chan, types, 1), 0);
	hp = cap_gethostbyaddr(chan, lo4, 4, AF_INET);
	ck_assert_ptr_nonnull(hp);
	ck_assert_str_eq(hp->h_name, "localhost");
	ck_assert_int_eq(nameinfo(chan, AF_INET), 0);
	ck_host_fails(cap_gethostbyname(chan, "localhost"), NO_RECOVERY);
	ck_host_fails(cap_gethostbyname2(chan, "localhost", AF_INET), NO_RECOVERY);
	ck_assert_int_eq(cap_getaddrinfo(chan, "localhost", NULL, NULL, &res), EAI_FAIL);
	cap_close(chan);
}
END_TEST

/*
 * "NAME" and "ADDR" gate as "NAME2ADDR" and "ADDR2NAME" do; a new set
 * may only name types the old one named, literally.
 */
START_TEST(legacy_type_names)
{
	const char *name[] = {"NAME"}, *name2addr[] = {"NAME2ADDR"},
	           *both[] = {"NAME", "NAME2ADDR"}, *addr[] = {"ADDR"};
	cap_channel_t *a = open_service("system.dns"), *b = open_service("system.dns"),
	              *c = open_service("system.dns");
	struct addrinfo *res;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_dns_type_limit(a, name, 1), 0);
	ck_assert_ptr_nonnull(cap_gethostbyname(a, "localhost"));
	ck_assert_int_eq(cap_getaddrinfo(a, "localhost", NULL, NULL, &res), 0);
	freeaddrinfo(res);
	ck_host_fails(cap_gethostbyaddr(a, lo4, 4, AF_INET), NO_RECOVERY);
	ck_assert_int_eq(nameinfo(a, AF_INET), EAI_FAIL);
	ck_assert_fails(cap_dns_type_limit(a, name2addr, 1), ENOTCAPABLE);

	ck_assert_int_eq(cap_dns_type_limit(b, both, 2), 0);
	ck_assert_int_eq(cap_dns_type_limit(b, name2addr, 1), 0);
	ck_assert_fails(cap_dns_type_limit(b, name, 1), ENOTCAPABLE);
	ck_assert_ptr_nonnull(cap_gethostbyname(b, "localhost"));

	ck_assert_int_eq(cap_dns_type_limit(c, addr, 1), 0);
	ck_assert_ptr_nonnull(cap_gethostbyaddr(c, lo4, 4, AF_INET));
	ck_assert_int_eq(nameinfo(c, AF_INET), 0);
	ck_host_fails(cap_gethostbyname(c, "localhost"), NO_RECOVERY);
	cap_close(a);
	cap_close(b);
	cap_close(c);
}
END_TEST

START_TEST(family_inet_only)
{
	int inet[] = {AF_INET}, both[] = {AF_INET, AF_INET6}, inet6[] = {AF_INET6};
	cap_channel_t *chan = open_service("system.dns");
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
	char want[LK_MAX], got[LK_MAX];
	int err;

	err = getaddrinfo("localhost", "http", &hints, &res);
	lk_addrinfo(want, sizeof(want), err, res);
	if (err == 0)
		freeaddrinfo(res);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_dns_family_limit(chan, inet, 1), 0);
	ck_assert_ptr_nonnull(cap_gethostbyname2(chan, "localhost", AF_INET));
	ck_assert_ptr_nonnull(cap_gethostbyaddr(chan, lo4, 4, AF_INET));
	ck_host_fails(cap_gethostbyname2(chan, "::1", AF_INET6), NO_RECOVERY);
	ck_host_fails(cap_gethostbyaddr(chan, lo6, 16, AF_INET6), NO_RECOVERY);
	/* Unspecified: the results cut to AF_INET, as the C library's for AF_INET. */
	hints.ai_family = AF_UNSPEC;
	err = cap_getaddrinfo(chan, "localhost", "http", &hints, &res);
	lk_addrinfo(got, sizeof(got), err, res);
	if (err == 0)
		freeaddrinfo(res);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(getaddrinfo_family(chan, "localhost", AF_UNSPEC), 0);
	ck_assert_int_eq(getaddrinfo_family(chan, "::1", AF_INET6), EAI_FAMILY);
	ck_assert_int_eq(cap_getaddrinfo(chan, "::1", NULL, NULL, &res), EAI_NONAME);
	ck_assert_int_eq(nameinfo(chan, AF_INET), 0);
	ck_assert_int_eq(nameinfo(chan, AF_INET6), EAI_FAMILY);
	ck_assert_fails(cap_dns_family_limit(chan, both, 2), ENOTCAPABLE);
	ck_assert_fails(cap_dns_family_limit(chan, inet6, 1), ENOTCAPABLE);
	ck_assert_fails(cap_dns_family_limit(chan, NULL, 0), ENOTCAPABLE);
	ck_assert_int_eq(cap_dns_family_limit(chan, inet, 1), 0);
	ck_host_fails(cap_gethostbyname2(chan, "::1", AF_INET6), NO_RECOVERY);
	cap_close(chan);
}
END_TEST

/* A type limit keeps the family part and the other way round. */
START_TEST(parts_replaced_separately)
{
	const char *types[] = {"NAME2ADDR"};
	int inet[] = {AF_INET};
	cap_channel_t *chan = open_service("system.dns");
	nvlist_t *limits;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_dns_type_limit(chan, types, 1), 0);
	ck_assert_int_eq(cap_dns_family_limit(chan, inet, 1), 0);
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_str_eq(nvlist_get_string(limits, "type0"), "NAME2ADDR");
	ck_assert_uint_eq(nvlist_get_number(limits, "family0"), AF_INET);
	nvlist_destroy(limits);
	ck_host_fails(cap_gethostbyaddr(chan, lo4, 4, AF_INET), NO_RECOVERY);
	ck_host_fails(cap_gethostbyname2(chan, "::1", AF_INET6), NO_RECOVERY);
	ck_assert_int_eq(cap_dns_type_limit(chan, types, 1), 0);
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_uint_eq(nvlist_get_number(limits, "family0"), AF_INET);
	nvlist_destroy(limits);
	ck_host_fails(cap_gethostbyname2(chan, "::1", AF_INET6), NO_RECOVERY);
	ck_assert_ptr_nonnull(cap_gethostbyname2(chan, "localhost", AF_INET));
	cap_close(chan);
}
END_TEST

static nvlist_t *bad_limits(int i)
{
	nvlist_t *l = nvlist_create(0), *sub;

	switch (i) {
	case 0:
		nvlist_add_string(l, "type0", "BOGUS");
		break;
	case 1:
		nvlist_add_number(l, "type0", 1);
		break;
	case 2:
		nvlist_add_string(l, "family0", "inet");
		break;
	case 3:
		nvlist_add_string(l, "foo", "NAME2ADDR");
		break;
	case 4:
		nvlist_add_number(l, "family0", 1ull << 40);
		break;
	case 5:
		sub = nvlist_create(0);
		nvlist_add_string(sub, "type0", "NAME2ADDR");
		nvlist_move_nvlist(l, "type0", sub);
		break;
	case 6: /* malformed beats widening */
		nvlist_add_string(l, "type0", "ADDR2NAME");
		nvlist_add_bool(l, "type1", true);
		break;
	case 7:
		nvlist_add_null(l, "family");
		break;
	default:
		nvlist_destroy(l);
		return NULL;
	}
	return l;
}

START_TEST(malformed_limits_refused)
{
	const char *types[] = {"NAME2ADDR"};
	cap_channel_t *chan = open_service("system.dns");
	nvlist_t *l;

	ck_assert_int_eq(cap_enter(), 0);
	for (int i = 0; (l = bad_limits(i)) != NULL; i++) {
		errno = 0;
		ck_assert_msg(cap_limit_set(chan, l) == -1 && errno == EINVAL, "case %d: errno %d",
		              i, errno);
		ck_assert_int_eq(cap_limit_get(chan, &l), 0);
		ck_assert_ptr_null(l);
	}
	ck_assert_int_eq(cap_dns_type_limit(chan, types, 1), 0);
	for (int i = 0; (l = bad_limits(i)) != NULL; i++) {
		errno = 0;
		ck_assert_msg(cap_limit_set(chan, l) == -1 && errno == EINVAL, "case %d: errno %d",
		              i, errno);
	}
	ck_assert_fails(cap_dns_type_limit(chan, (const char *[]){NULL}, 1), EINVAL);
	ck_assert_ptr_nonnull(cap_gethostbyname(chan, "localhost"));
	ck_host_fails(cap_gethostbyaddr(chan, lo4, 4, AF_INET), NO_RECOVERY);
	cap_close(chan);
}
END_TEST

/* ---- hostile clients ---- */

static nvlist_t *hostile(int i)
{
	static char big[100000];
	nvlist_t *n = nvlist_create(0);

	memset(big, 'a', sizeof(big) - 1);
	switch (i) {
	case 0: /* no cmd */
		nvlist_add_string(n, "name", "localhost");
		break;
	case 1:
		nvlist_add_number(n, "cmd", 7);
		break;
	case 2:
		nvlist_add_string(n, "cmd", "nonsense");
		break;
	case 3:
		nvlist_add_string(n, "cmd", "gethostbyname");
		break;
	case 4:
		nvlist_add_string(n, "cmd", "gethostbyname");
		nvlist_add_number(n, "name", 1);
		nvlist_add_number(n, "family", AF_INET);
		break;
	case 5:
		nvlist_add_string(n, "cmd", "gethostbyname");
		nvlist_add_string(n, "name", "localhost");
		nvlist_add_string(n, "family", "inet");
		break;
	case 6:
		nvlist_add_string(n, "cmd", "gethostbyname");
		nvlist_add_string(n, "name", "localhost");
		nvlist_add_number(n, "family", 1ull << 40);
		break;
	case 7:
		nvlist_add_string(n, "cmd", "gethostbyname");
		nvlist_add_string(n, "name", big);
		nvlist_add_number(n, "family", AF_INET);
		break;
	case 8:
		nvlist_add_string(n, "cmd", "gethostbyaddr");
		nvlist_add_string(n, "addr", "127.0.0.1");
		nvlist_add_number(n, "family", AF_INET);
		break;
	case 9:
		nvlist_add_string(n, "cmd", "gethostbyaddr");
		nvlist_add_binary(n, "addr", big, sizeof(big));
		nvlist_add_number(n, "family", AF_INET);
		break;
	case 10:
		nvlist_add_string(n, "cmd", "getaddrinfo");
		nvlist_add_number(n, "hostname", 1);
		break;
	case 11:
		nvlist_add_string(n, "cmd", "getaddrinfo");
		nvlist_add_string(n, "hostname", "localhost");
		nvlist_add_number(n, "hints.ai_family", AF_INET6);
		break;
	case 12:
		nvlist_add_string(n, "cmd", "getaddrinfo");
		nvlist_add_string(n, "hostname", big);
		nvlist_add_string(n, "servname", big);
		break;
	case 13:
		nvlist_add_string(n, "cmd", "getaddrinfo");
		nvlist_add_string(n, "hostname", "::1");
		nvlist_add_number(n, "hints.ai_flags", 1ull << 62);
		nvlist_add_number(n, "hints.ai_family", AF_INET6);
		nvlist_add_number(n, "hints.ai_socktype", 0);
		nvlist_add_number(n, "hints.ai_protocol", 0);
		break;
	case 14:
		nvlist_add_string(n, "cmd", "getnameinfo");
		nvlist_add_number(n, "hostlen", 64);
		nvlist_add_number(n, "servlen", 0);
		nvlist_add_number(n, "flags", 0);
		break;
	case 15:
		nvlist_add_string(n, "cmd", "getnameinfo");
		nvlist_add_binary(n, "sa", "x", 1);
		nvlist_add_number(n, "hostlen", 64);
		nvlist_add_number(n, "servlen", 0);
		nvlist_add_number(n, "flags", 0);
		break;
	case 16:
		nvlist_add_string(n, "cmd", "getnameinfo");
		nvlist_add_binary(n, "sa", big, sizeof(big));
		nvlist_add_number(n, "hostlen", UINT64_MAX);
		nvlist_add_number(n, "servlen", UINT64_MAX);
		nvlist_add_number(n, "flags", 0);
		break;
	case 17:
		nvlist_add_string(n, "cmd", "getnameinfo");
		nvlist_add_binary(n, "sa", big, 16);
		nvlist_add_number(n, "hostlen", 64);
		nvlist_add_number(n, "servlen", 0);
		nvlist_add_string(n, "flags", "0");
		break;
	case 18:
		nvlist_add_string(n, "cmd", "limit_set");
		nvlist_add_string(n, "limits", "everything");
		break;
	case 19: {
		nvlist_t *l = nvlist_create(0);

		nvlist_add_string(l, "type0", "ADDR2NAME");
		nvlist_add_string(n, "cmd", "limit_set");
		nvlist_move_nvlist(n, "limits", l);
		break;
	}
	case 20:
		nvlist_add_binary(n, "cmd", "gethostbyname", 13);
		nvlist_add_string(n, "name", "localhost");
		break;
	case 21:
		nvlist_add_string(n, "cmd", "gethostbyaddr");
		nvlist_add_binary(n, "addr", lo6, sizeof(lo6));
		nvlist_add_number(n, "family", AF_INET6);
		break;
	default:
		nvlist_destroy(n);
		return NULL;
	}
	return n;
}

/* Names resolve; addresses (a type not allowed) and AF_INET6 do not. */
static void still_serves(cap_channel_t *chan)
{
	struct hostent *hp = cap_gethostbyname(chan, "localhost");

	ck_assert_ptr_nonnull(hp);
	ck_assert_str_eq(hp->h_name, "localhost");
	ck_assert_mem_eq(hp->h_addr_list[0], lo4, 4);
	ck_host_fails(cap_gethostbyaddr(chan, lo4, 4, AF_INET), NO_RECOVERY);
	ck_host_fails(cap_gethostbyname2(chan, "::1", AF_INET6), NO_RECOVERY);
	ck_assert_int_eq(nameinfo(chan, AF_INET), EAI_FAIL);
}

START_TEST(hostile_requests)
{
	const char *types[] = {"NAME2ADDR"};
	int inet[] = {AF_INET};
	cap_channel_t *chan = open_service("system.dns");
	nvlist_t *n;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_dns_type_limit(chan, types, 1), 0);
	ck_assert_int_eq(cap_dns_family_limit(chan, inet, 1), 0);
	for (int i = 0; (n = hostile(i)) != NULL; i++) {
		int err = raw_error(chan, n);

		ck_assert_msg(err != 0 && err != -1, "request %d: error %d", i, err);
		still_serves(chan);
	}
	cap_close(chan);
}
END_TEST

/* ---- a service whose replies the client must check ---- */

static int fake_hostent(const char *what, nvlist_t *out)
{
#define IS(w) (strcmp(what, (w)) == 0)
	if (IS("herr"))
		return HOST_NOT_FOUND;
	if (IS("name-number"))
		nvlist_add_number(out, "name", 1);
	else if (!IS("no-name"))
		nvlist_add_string(out, "name", "fake");
	nvlist_add_number(out, "addrtype", IS("bad-type") ? AF_UNIX : AF_INET);
	nvlist_add_number(out, "length",
	                  IS("bad-length")        ? 16
	                  : IS("negative-length") ? (uint64_t)-4
	                                          : 4);
	nvlist_add_number(out, "naliases",
	                  IS("huge-count")      ? 1ull << 40
	                  : IS("alias-missing") ? 2
	                  : IS("many-aliases")  ? 100000
	                                        : 1);
	nvlist_add_string(out, "alias0", "a");
	nvlist_add_number(out, "naddrs", IS("addrs-missing") ? 5 : 1);
	nvlist_add_binary(out, "addr0", lo4, IS("addr-size") ? 3 : 4);
	return 0;
}

static int fake_addrinfo(const char *what, nvlist_t *out)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80)};
	nvlist_t *r = nvlist_create(0);

	if (IS("eai-again")) {
		nvlist_destroy(r);
		return EAI_AGAIN;
	}
	memcpy(&sin.sin_addr, lo4, 4);
	nvlist_add_number(r, "ai_flags", 0);
	nvlist_add_number(r, "ai_family",
	                  IS("bad-family")        ? AF_UNIX
	                  : IS("mismatch")        ? AF_INET6
	                  : IS("family-overflow") ? 1ull << 40
	                                          : AF_INET);
	nvlist_add_number(r, "ai_socktype", SOCK_STREAM);
	nvlist_add_number(r, "ai_protocol", IPPROTO_TCP);
	nvlist_add_binary(r, "ai_addr", &sin, IS("short-addr") ? 8 : sizeof(sin));
	if (IS("canon-number"))
		nvlist_add_number(r, "ai_canonname", 1);
	if (IS("ok"))
		nvlist_add_string(r, "ai_canonname", "canon");
	if (IS("ok"))
		nvlist_add_nvlist(out, "res1", r);
	if (!IS("none"))
		nvlist_move_nvlist(out, "res0", r);
	else
		nvlist_destroy(r);
	return 0;
}

static int fake_nameinfo(int flags, nvlist_t *out)
{
	if (flags == 1)
		nvlist_add_string(out, "host", "a-host-name-longer-than-the-buffer");
	if (flags == 3)
		nvlist_add_number(out, "host", 1);
	if (flags == 4) {
		nvlist_add_string(out, "host", "h");
		nvlist_add_string(out, "serv", "s");
	}
	return 0;
}
#undef IS

static int fake_command(const char *cmd, const nvlist_t *limits, nvlist_t *in, nvlist_t *out)
{
	(void)limits;
	if (strcmp(cmd, "gethostbyname") == 0)
		return fake_hostent(nvlist_get_string(in, "name"), out);
	if (strcmp(cmd, "getaddrinfo") == 0)
		return fake_addrinfo(nvlist_get_string(in, "hostname"), out);
	if (strcmp(cmd, "getnameinfo") == 0)
		return fake_nameinfo((int)nvlist_get_number(in, "flags"), out);
	return EINVAL;
}

static __attribute__((constructor)) void register_fake(void)
{
	service_register("test.fakedns", NULL, fake_command, 0);
}

START_TEST(client_checks_replies)
{
	static const char *const bad_hosts[] = {
	    "name-number", "no-name",       "bad-type",     "bad-length",    "negative-length",
	    "huge-count",  "alias-missing", "many-aliases", "addrs-missing", "addr-size"};
	static const char *const bad_ai[] = {"bad-family", "mismatch",     "family-overflow",
	                                     "short-addr", "canon-number", "none"};
	cap_channel_t *casper = cap_init(), *chan;
	struct sockaddr_storage ss;
	socklen_t len = lk_sockaddr(&ss, AF_INET, "127.0.0.1", 80);
	struct addrinfo *res;
	struct hostent *hp;
	char host[8], serv[8];

	ck_assert_ptr_nonnull(casper);
	chan = cap_service_open(casper, "test.fakedns");
	ck_assert_ptr_nonnull(chan);
	cap_close(casper);
	ck_assert_int_eq(cap_enter(), 0);
	hp = cap_gethostbyname(chan, "ok");
	ck_assert_ptr_nonnull(hp);
	ck_assert_str_eq(hp->h_name, "fake");
	ck_assert_str_eq(hp->h_aliases[0], "a");
	ck_assert_ptr_null(hp->h_aliases[1]);
	ck_assert_mem_eq(hp->h_addr_list[0], lo4, 4);
	ck_assert_ptr_null(hp->h_addr_list[1]);
	for (size_t i = 0; i < ARRAY_LEN(bad_hosts); i++) {
		h_errno = 0;
		ck_assert_msg(cap_gethostbyname(chan, bad_hosts[i]) == NULL &&
		                  h_errno == NO_RECOVERY,
		              "%s: h_errno %d", bad_hosts[i], h_errno);
	}
	ck_host_fails(cap_gethostbyname(chan, "herr"), HOST_NOT_FOUND);

	ck_assert_int_eq(cap_getaddrinfo(chan, "ok", NULL, NULL, &res), 0);
	ck_assert_int_eq(res->ai_family, AF_INET);
	ck_assert_uint_eq(res->ai_addrlen, sizeof(struct sockaddr_in));
	ck_assert_str_eq(res->ai_canonname, "canon");
	ck_assert_ptr_nonnull(res->ai_next);
	ck_assert_ptr_null(res->ai_next->ai_next);
	freeaddrinfo(res);
	for (size_t i = 0; i < ARRAY_LEN(bad_ai); i++)
		ck_assert_msg(cap_getaddrinfo(chan, bad_ai[i], NULL, NULL, &res) == EAI_FAIL, "%s",
		              bad_ai[i]);
	ck_assert_int_eq(cap_getaddrinfo(chan, "eai-again", NULL, NULL, &res), EAI_AGAIN);

	ck_assert_int_eq(
	    cap_getnameinfo(chan, (struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0, 1),
	    EAI_OVERFLOW);
	ck_assert_int_eq(
	    cap_getnameinfo(chan, (struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0, 2),
	    EAI_FAIL);
	ck_assert_int_eq(
	    cap_getnameinfo(chan, (struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0, 3),
	    EAI_FAIL);
	ck_assert_int_eq(cap_getnameinfo(chan, (struct sockaddr *)&ss, len, host, sizeof(host),
	                                 serv, sizeof(serv), 4),
	                 0);
	ck_assert_str_eq(host, "h");
	ck_assert_str_eq(serv, "s");
	cap_close(chan);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cap_dns");
	TCase *calls = tcase_create("calls");
	TCase *limits = tcase_create("limits");
	TCase *hostile_tc = tcase_create("hostile");

	tcase_add_test(calls, lookups_match_libc_in_capability_mode);
	tcase_add_test(calls, hostent_storage_is_reused);
	tcase_add_test(calls, getnameinfo_exact_sizes_only);
	suite_add_tcase(s, calls);
	tcase_add_test(limits, type_name2addr_only);
	tcase_add_test(limits, type_addr2name_only);
	tcase_add_test(limits, legacy_type_names);
	tcase_add_test(limits, family_inet_only);
	tcase_add_test(limits, parts_replaced_separately);
	tcase_add_test(limits, malformed_limits_refused);
	suite_add_tcase(s, limits);
	tcase_add_test(hostile_tc, hostile_requests);
	tcase_add_test(hostile_tc, client_checks_replies);
	suite_add_tcase(s, hostile_tc);
	return s;
}

TEST_MAIN()
