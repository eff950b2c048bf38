/*
 * system.net: bind and connect of AF_INET, AF_INET6 and AF_UNIX sockets
 * over loopback from capability mode; the lookups compared with the C
 * library (files and numbers only: no network DNS); every mode bit, the
 * address, name and family lists and CAPNET_CONNECTDNS enforced and only
 * narrowed; malformed limits; hostile clients; and libcap_dns's lookups
 * (loaded beside this library) working on either service's channel.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <casper/cap_net.h>
#include <libcasper.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "casper_test.h"
#include "harness.h"
#include "../../dns/tests/lookups.h"

static const unsigned char lo4[4] = {127, 0, 0, 1};
static const unsigned char lo6[16] = {[15] = 1};

static cap_channel_t *casper;

/* A system.net channel (through one Casper process per test). */
static cap_channel_t *open_net(void)
{
	cap_channel_t *chan;

	if (casper == NULL)
		casper = cap_init();
	ck_assert_msg(casper != NULL, "cap_init: %s", strerror(errno));
	chan = cap_service_open(casper, "system.net");
	ck_assert_msg(chan != NULL, "cap_service_open: %s", strerror(errno));
	return chan;
}

static struct sockaddr_in sin_of(const char *addr, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	ck_assert_int_eq(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
	return sin;
}

#define SA(p) ((struct sockaddr *)(p))

static int tcp(int family)
{
	int s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	return s;
}

/* A listening TCP socket on 127.0.0.1, bound before cap_enter(); its port in *port. */
static int listener(int *port)
{
	struct sockaddr_in sin = sin_of("127.0.0.1", 0);
	socklen_t len = sizeof(sin);
	int s = tcp(AF_INET);

	ck_assert_int_eq(bind(s, SA(&sin), sizeof(sin)), 0);
	ck_assert_int_eq(listen(s, 16), 0);
	ck_assert_int_eq(getsockname(s, SA(&sin), &len), 0);
	*port = ntohs(sin.sin_port);
	return s;
}

/* A port free on 127.0.0.1 just now. */
static int free_port(void)
{
	int port, s = listener(&port);

	close(s);
	return port;
}

/* cap_connect of a new socket to 127.0.0.1:port; 0 or errno. */
static int try_connect(cap_channel_t *chan, const char *addr, int port)
{
	struct sockaddr_in sin = sin_of(addr, port);
	int s = tcp(AF_INET), err;

	err = cap_connect(chan, s, SA(&sin), sizeof(sin)) == 0 ? 0 : errno;
	close(s);
	return err;
}

static int try_bind(cap_channel_t *chan, const char *addr, int port)
{
	struct sockaddr_in sin = sin_of(addr, port);
	int s = tcp(AF_INET), err;

	err = cap_bind(chan, s, SA(&sin), sizeof(sin)) == 0 ? 0 : errno;
	close(s);
	return err;
}

static int try_getaddrinfo(cap_channel_t *chan, const char *host, const char *serv, int family)
{
	struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM}, *res;
	int err = cap_getaddrinfo(chan, host, serv, &hints, &res);

	if (err == 0) {
		for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
			ck_assert(family == AF_UNSPEC || ai->ai_family == family);
		freeaddrinfo(res);
	}
	return err;
}

static int try_nameinfo(cap_channel_t *chan, int family, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len = lk_sockaddr(&ss, family, addr, 80);
	char host[NI_MAXHOST];

	return cap_getnameinfo(chan, SA(&ss), len, host, sizeof(host), NULL, 0, 0);
}

/* h_errno of a gethostby* call that must fail. */
#define ck_host_fails(expr, herr)                                                                  \
	do {                                                                                       \
		h_errno = 0;                                                                       \
		ck_assert_ptr_null(expr);                                                          \
		ck_assert_int_eq(h_errno, (herr));                                                 \
	} while (0)

static int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1);

	return abi < 0 ? 0 : (int)abi;
}

/* ---- every call from capability mode ---- */

START_TEST(lookups_match_libc_in_capability_mode)
{
	cap_channel_t *chan = open_net();
	char(*want)[LK_MAX] = lk_expected(), got[LK_MAX];

	ck_assert_int_eq(cap_enter(), 0);
	for (size_t i = 0; i < LK_NCASES; i++) {
		lk_run(chan, &lk_cases[i], got, sizeof(got));
		ck_assert_msg(strcmp(got, want[i]) == 0, "case %zu: got  %s\nwant %s", i, got,
		              want[i]);
	}
	cap_close(chan);
}
END_TEST

/* Capability mode refuses bind and connect; the service does them. */
START_TEST(bind_and_connect_tcp)
{
	cap_channel_t *chan = open_net();
	struct sockaddr_in sin = sin_of("127.0.0.1", 0), peer;
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6}, peer6;
	socklen_t len = sizeof(sin);
	int l, c, a;
	char ch;

	ck_assert_int_eq(cap_enter(), 0);
	l = tcp(AF_INET);
	ck_assert_fails(bind(l, SA(&sin), sizeof(sin)), ECAPMODE);
	ck_assert_int_eq(cap_bind(chan, l, SA(&sin), sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(l, SA(&sin), &len), 0);
	ck_assert_uint_ne(sin.sin_port, 0);
	ck_assert_int_eq(listen(l, 4), 0);
	c = tcp(AF_INET);
	ck_assert_fails(connect(c, SA(&sin), sizeof(sin)), ECAPMODE);
	ck_assert_int_eq(cap_connect(chan, c, SA(&sin), sizeof(sin)), 0);
	len = sizeof(peer);
	ck_assert_int_eq(getpeername(c, SA(&peer), &len), 0);
	ck_assert_uint_eq(peer.sin_port, sin.sin_port);
	ck_assert_int_ge(a = accept(l, NULL, NULL), 0);
	ck_assert_int_eq(write(c, "x", 1), 1);
	ck_assert_int_eq(read(a, &ch, 1), 1);
	ck_assert_int_eq(ch, 'x');
	close(a);
	close(c);
	/* A socket already bound cannot be bound again: the kernel's answer. */
	ck_assert_fails(cap_bind(chan, l, SA(&sin), sizeof(sin)), EINVAL);
	close(l);

	/* IPv6 over ::1. */
	memcpy(&sin6.sin6_addr, lo6, 16);
	l = tcp(AF_INET6);
	ck_assert_int_eq(cap_bind(chan, l, SA(&sin6), sizeof(sin6)), 0);
	len = sizeof(sin6);
	ck_assert_int_eq(getsockname(l, SA(&sin6), &len), 0);
	ck_assert_int_eq(listen(l, 4), 0);
	c = tcp(AF_INET6);
	ck_assert_int_eq(cap_connect(chan, c, SA(&sin6), sizeof(sin6)), 0);
	len = sizeof(peer6);
	ck_assert_int_eq(getpeername(c, SA(&peer6), &len), 0);
	ck_assert_uint_eq(peer6.sin6_port, sin6.sin6_port);
	close(c);
	close(l);
	/* Errors of the calls themselves come back as theirs. */
	c = tcp(AF_INET);
	ck_assert_fails(cap_connect(chan, c, SA(&sin), 3), EINVAL);
	ck_assert_fails(cap_connect(chan, 9999, SA(&sin), sizeof(sin)), EBADF);
	close(c);
	cap_close(chan);
}
END_TEST

START_TEST(connect_udp)
{
	cap_channel_t *chan = open_net();
	struct sockaddr_in sin = sin_of("127.0.0.1", 0);
	socklen_t len = sizeof(sin);
	int r = socket(AF_INET, SOCK_DGRAM, 0), s;
	char ch;

	ck_assert_int_ge(r, 0);
	ck_assert_int_eq(bind(r, SA(&sin), sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(r, SA(&sin), &len), 0);
	ck_assert_int_eq(cap_enter(), 0);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(cap_connect(chan, s, SA(&sin), sizeof(sin)), 0);
	ck_assert_int_eq(send(s, "y", 1, 0), 1);
	ck_assert_int_eq(recv(r, &ch, 1, 0), 1);
	ck_assert_int_eq(ch, 'y');
	cap_close(chan);
}
END_TEST

/*
 * A socket with limits of its own cannot travel to the service (it would
 * arrive as an empty ticket): refused with ENOTCAPABLE.  FreeBSD refuses
 * it only without CAP_CONNECT or CAP_BIND.
 */
START_TEST(documented_deviation_restricted_sockets_refused)
{
	int port, l = listener(&port);
	struct sockaddr_in sin = sin_of("127.0.0.1", port), any = sin_of("127.0.0.1", 0);
	cap_channel_t *chan = open_net();
	int without = tcp(AF_INET), with = tcp(AF_INET), ioctls = tcp(AF_INET);
	cap_ioctl_t cmd = FIONREAD;
	cap_rights_t r;

	ck_assert_int_eq(cap_rights_limit(without, cap_rights_init(&r, CAP_READ, CAP_WRITE)), 0);
	ck_assert_int_eq(cap_rights_limit(with, cap_rights_init(&r, CAP_CONNECT, CAP_BIND, CAP_READ,
	                                                        CAP_WRITE, CAP_GETPEERNAME)),
	                 0);
	ck_assert_int_eq(cap_ioctls_limit(ioctls, &cmd, 1), 0);
	ck_assert_int_eq(cap_enter(), 0);
	/* As on FreeBSD: the right is missing. */
	ck_assert_fails(cap_connect(chan, without, SA(&sin), sizeof(sin)), ENOTCAPABLE);
	ck_assert_fails(cap_bind(chan, without, SA(&any), sizeof(any)), ENOTCAPABLE);
	/* Here only: the right is there. */
	ck_assert_fails(cap_connect(chan, with, SA(&sin), sizeof(sin)), ENOTCAPABLE);
	ck_assert_fails(cap_bind(chan, with, SA(&any), sizeof(any)), ENOTCAPABLE);
	ck_assert_fails(cap_connect(chan, ioctls, SA(&sin), sizeof(sin)), ENOTCAPABLE);
	ck_assert_int_eq(try_connect(chan, "127.0.0.1", port), 0);
	close(l);
	cap_close(chan);
}
END_TEST

/* ---- limits ---- */

START_TEST(addresses_limit_bind_and_connect)
{
	int a, b, la = listener(&a), lb = listener(&b), c = free_port(), d = free_port();
	struct sockaddr_in sa = sin_of("127.0.0.1", a), sb = sin_of("127.0.0.1", b),
	                   sc = sin_of("127.0.0.1", c);
	cap_channel_t *chan = open_net();
	cap_net_limit_t *limit;
	nvlist_t *lim;

	limit = cap_net_limit_init(chan, CAPNET_BIND | CAPNET_CONNECT);
	ck_assert_ptr_nonnull(limit);
	limit = cap_net_limit_bind(limit, SA(&sc), sizeof(sc));
	limit = cap_net_limit_connect(limit, SA(&sa), sizeof(sa));
	ck_assert_int_eq(cap_net_limit(limit), 0);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(try_bind(chan, "127.0.0.1", d), ENOTCAPABLE);
	ck_assert_int_eq(try_bind(chan, "127.0.0.2", c), ENOTCAPABLE);
	ck_assert_int_eq(try_bind(chan, "127.0.0.1", c), 0);
	ck_assert_int_eq(try_connect(chan, "127.0.0.1", b), ENOTCAPABLE);
	ck_assert_int_eq(try_connect(chan, "127.0.0.2", a), ENOTCAPABLE);
	ck_assert_int_eq(try_connect(chan, "127.0.0.1", a), 0);

	/* Widening: another address, another mode, a dropped list. */
	limit = cap_net_limit_init(chan, CAPNET_BIND | CAPNET_CONNECT);
	limit = cap_net_limit_bind(limit, SA(&sc), sizeof(sc));
	limit = cap_net_limit_connect(limit, SA(&sa), sizeof(sa));
	limit = cap_net_limit_connect(limit, SA(&sb), sizeof(sb));
	ck_assert_fails(cap_net_limit(limit), ENOTCAPABLE);
	limit = cap_net_limit_init(chan, CAPNET_BIND | CAPNET_CONNECT | CAPNET_NAME2ADDR);
	limit = cap_net_limit_bind(limit, SA(&sc), sizeof(sc));
	limit = cap_net_limit_connect(limit, SA(&sa), sizeof(sa));
	ck_assert_fails(cap_net_limit(limit), ENOTCAPABLE);
	limit = cap_net_limit_init(chan, CAPNET_BIND | CAPNET_CONNECT);
	limit = cap_net_limit_bind(limit, SA(&sc), sizeof(sc));
	ck_assert_fails(cap_net_limit(limit), ENOTCAPABLE);
	ck_assert_fails(cap_limit_set(chan, NULL), ENOTCAPABLE);
	ck_assert_int_eq(try_connect(chan, "127.0.0.1", b), ENOTCAPABLE);
	ck_assert_int_eq(try_connect(chan, "127.0.0.1", a), 0);

	/* Narrowing to bind only: the connect list no longer matters. */
	limit = cap_net_limit_init(chan, CAPNET_BIND);
	limit = cap_net_limit_bind(limit, SA(&sc), sizeof(sc));
	ck_assert_int_eq(cap_net_limit(limit), 0);
	ck_assert_int_eq(try_connect(chan, "127.0.0.1", a), ENOTCAPABLE);
	ck_assert_int_eq(try_bind(chan, "127.0.0.1", c), 0);
	ck_assert_int_eq(cap_limit_get(chan, &lim), 0);
	ck_assert_uint_eq(nvlist_get_number(lim, "mode"), CAPNET_BIND);
	ck_assert(nvlist_exists_nvlist(lim, "bind") && !nvlist_exists(lim, "connect"));
	nvlist_destroy(lim);
	/* A builder never applied is freed. */
	cap_net_free(
	    cap_net_limit_bind(cap_net_limit_init(chan, CAPNET_BIND), SA(&sc), sizeof(sc)));
	close(la);
	close(lb);
	cap_close(chan);
}
END_TEST

enum { OP_GAI = 1, OP_GNI = 2, OP_GHBN = 4, OP_GHBA = 8, OP_BIND = 16, OP_CONNECT = 32 };

/* The calls that work with this channel; each that does not is refused with ENOTCAPABLE. */
static int working_ops(cap_channel_t *chan, int port)
{
	struct addrinfo *res;
	int ops = 0, err;

	err = cap_getaddrinfo(chan, "localhost", NULL, NULL, &res);
	ck_assert(err == 0 || err == ENOTCAPABLE);
	if (err == 0) {
		freeaddrinfo(res);
		ops |= OP_GAI;
	}
	err = try_nameinfo(chan, AF_INET, "127.0.0.1");
	ck_assert(err == 0 || err == ENOTCAPABLE);
	ops |= err == 0 ? OP_GNI : 0;
	h_errno = 0;
	if (cap_gethostbyname(chan, "localhost") != NULL)
		ops |= OP_GHBN;
	else
		ck_assert_int_eq(h_errno, ENOTCAPABLE);
	h_errno = 0;
	if (cap_gethostbyaddr(chan, lo4, 4, AF_INET) != NULL)
		ops |= OP_GHBA;
	else
		ck_assert_int_eq(h_errno, ENOTCAPABLE);
	err = try_bind(chan, "127.0.0.1", 0);
	ck_assert(err == 0 || err == ENOTCAPABLE);
	ops |= err == 0 ? OP_BIND : 0;
	err = try_connect(chan, "127.0.0.1", port);
	ck_assert(err == 0 || err == ENOTCAPABLE);
	ops |= err == 0 ? OP_CONNECT : 0;
	return ops;
}

START_TEST(each_mode_bit_gates_its_calls)
{
	static const struct {
		uint64_t mode;
		int ops;
	} table[] = {
	    {CAPNET_NAME2ADDR, OP_GAI},
	    {CAPNET_ADDR2NAME, OP_GNI},
	    {CAPNET_DEPRECATED_NAME2ADDR, OP_GHBN},
	    {CAPNET_DEPRECATED_ADDR2NAME, OP_GHBA},
	    {CAPNET_BIND, OP_BIND},
	    {CAPNET_CONNECT, OP_CONNECT},
	    {CAPNET_CONNECTDNS, 0},
	    {0, 0},
	    {0x7f, OP_GAI | OP_GNI | OP_GHBN | OP_GHBA | OP_BIND | OP_CONNECT},
	};
	cap_channel_t *chans[ARRAY_LEN(table)];
	int port, l = listener(&port);

	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		chans[i] = open_net();
		ck_assert_int_eq(cap_net_limit(cap_net_limit_init(chans[i], table[i].mode)), 0);
	}
	ck_assert_int_eq(cap_enter(), 0);
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		int ops = working_ops(chans[i], port);

		ck_assert_msg(ops == table[i].ops, "mode %#llx: calls %#x, want %#x",
		              (unsigned long long)table[i].mode, ops, table[i].ops);
		cap_close(chans[i]);
	}
	close(l);
}
END_TEST

/*
 * CAPNET_CONNECTDNS: an address getaddrinfo returned (with its port), or
 * one gethostbyname returned (any port), and nothing else.
 */
START_TEST(connectdns_allows_what_was_resolved)
{
	int a, b, la = listener(&a), lb = listener(&b);
	cap_channel_t *gai = open_net(), *ghbn = open_net(), *both = open_net();
	struct sockaddr_in sb = sin_of("127.0.0.1", b);
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
	char port[16];
	int s;

	ck_assert_int_eq(
	    cap_net_limit(cap_net_limit_init(gai, CAPNET_NAME2ADDR | CAPNET_CONNECTDNS)), 0);
	ck_assert_int_eq(cap_net_limit(cap_net_limit_init(ghbn, CAPNET_DEPRECATED_NAME2ADDR |
	                                                            CAPNET_CONNECTDNS)),
	                 0);
	ck_assert_int_eq(
	    cap_net_limit(cap_net_limit_connect(
	        cap_net_limit_init(both, CAPNET_NAME2ADDR | CAPNET_CONNECT | CAPNET_CONNECTDNS),
	        SA(&sb), sizeof(sb))),
	    0);
	snprintf(port, sizeof(port), "%d", a);
	ck_assert_int_eq(cap_enter(), 0);

	ck_assert_int_eq(try_connect(gai, "127.0.0.1", a), ENOTCAPABLE);
	ck_assert_int_eq(cap_getaddrinfo(gai, "localhost", port, &hints, &res), 0);
	s = tcp(AF_INET);
	ck_assert_int_eq(cap_connect(gai, s, res->ai_addr, res->ai_addrlen), 0);
	close(s);
	freeaddrinfo(res);
	ck_assert_int_eq(try_connect(gai, "127.0.0.1", a), 0);
	ck_assert_int_eq(try_connect(gai, "127.0.0.1", b), ENOTCAPABLE);

	ck_assert_int_eq(try_connect(ghbn, "127.0.0.1", a), ENOTCAPABLE);
	ck_assert_ptr_nonnull(cap_gethostbyname(ghbn, "localhost"));
	ck_assert_int_eq(try_connect(ghbn, "127.0.0.1", a), 0);
	ck_assert_int_eq(try_connect(ghbn, "127.0.0.1", b), 0);
	ck_assert_int_eq(try_connect(ghbn, "127.0.0.2", a), ENOTCAPABLE);

	ck_assert_int_eq(try_connect(both, "127.0.0.1", b), 0);
	ck_assert_int_eq(try_connect(both, "127.0.0.1", a), ENOTCAPABLE);
	ck_assert_int_eq(try_getaddrinfo(both, "localhost", port, AF_INET), 0);
	ck_assert_int_eq(try_connect(both, "127.0.0.1", a), 0);
	close(la);
	close(lb);
	cap_close(gai);
	cap_close(ghbn);
	cap_close(both);
}
END_TEST

START_TEST(name2addr_hosts_and_families)
{
	int inet[] = {AF_INET}, inet6[] = {AF_INET6}, both_families[] = {AF_INET, AF_INET6};
	cap_channel_t *strict = open_net(), *loose = open_net(), *v6 = open_net();
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
	cap_net_limit_t *limit;
	const char *other = "other.invalid"; /* refused before any lookup */
	char want[LK_MAX], got[LK_MAX];
	int err;

	err = getaddrinfo("localhost", "http", &hints, &res);
	lk_addrinfo(want, sizeof(want), err, res);
	if (err == 0)
		freeaddrinfo(res);
	limit = cap_net_limit_init(strict, CAPNET_NAME2ADDR | CAPNET_DEPRECATED_NAME2ADDR);
	limit = cap_net_limit_name2addr(limit, "localhost", "http");
	limit = cap_net_limit_name2addr_family(limit, inet, 1);
	ck_assert_int_eq(cap_net_limit(limit), 0);
	limit = cap_net_limit_init(loose, CAPNET_NAME2ADDR | CAPNET_DEPRECATED_NAME2ADDR);
	limit = cap_net_limit_name2addr(limit, "localhost", NULL);
	limit = cap_net_limit_name2addr(limit, NULL, "domain");
	ck_assert_int_eq(cap_net_limit(limit), 0);
	limit = cap_net_limit_init(v6, CAPNET_NAME2ADDR);
	ck_assert_int_eq(cap_net_limit(cap_net_limit_name2addr_family(limit, inet6, 1)), 0);
	ck_assert_int_eq(cap_enter(), 0);

	err = cap_getaddrinfo(strict, "localhost", "http", &hints, &res);
	lk_addrinfo(got, sizeof(got), err, res);
	if (err == 0)
		freeaddrinfo(res);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(try_getaddrinfo(strict, "localhost", "http", AF_UNSPEC), 0);
	ck_assert_int_eq(try_getaddrinfo(strict, "localhost", "https", AF_INET), ENOTCAPABLE);
	ck_assert_int_eq(try_getaddrinfo(strict, "localhost", NULL, AF_INET), ENOTCAPABLE);
	ck_assert_int_eq(try_getaddrinfo(strict, other, "http", AF_INET), ENOTCAPABLE);
	ck_assert_int_eq(try_getaddrinfo(strict, NULL, "http", AF_INET), ENOTCAPABLE);
	ck_assert_int_eq(try_getaddrinfo(strict, "localhost", "http", AF_INET6), ENOTCAPABLE);
	ck_host_fails(cap_gethostbyname(strict, "localhost"), ENOTCAPABLE);
	/* Widening: another service, the family list dropped or grown. */
	limit = cap_net_limit_init(strict, CAPNET_NAME2ADDR);
	limit = cap_net_limit_name2addr(limit, "localhost", "https");
	ck_assert_fails(cap_net_limit(cap_net_limit_name2addr_family(limit, inet, 1)), ENOTCAPABLE);
	limit = cap_net_limit_init(strict, CAPNET_NAME2ADDR);
	ck_assert_fails(cap_net_limit(cap_net_limit_name2addr(limit, "localhost", "http")),
	                ENOTCAPABLE);
	limit = cap_net_limit_init(strict, CAPNET_NAME2ADDR);
	limit = cap_net_limit_name2addr(limit, "localhost", "http");
	ck_assert_fails(cap_net_limit(cap_net_limit_name2addr_family(limit, both_families, 2)),
	                ENOTCAPABLE);
	ck_assert_int_eq(try_getaddrinfo(strict, "localhost", "https", AF_INET), ENOTCAPABLE);

	ck_assert_ptr_nonnull(cap_gethostbyname(loose, "localhost"));
	ck_assert_int_eq(try_getaddrinfo(loose, "localhost", "https", AF_UNSPEC), 0);
	ck_assert_int_eq(try_getaddrinfo(loose, "127.0.0.1", "domain", AF_UNSPEC), 0);
	ck_assert_int_eq(try_getaddrinfo(loose, NULL, "domain", AF_INET), 0);
	ck_assert_int_eq(try_getaddrinfo(loose, other, "http", AF_UNSPEC), ENOTCAPABLE);
	ck_host_fails(cap_gethostbyname(loose, other), ENOTCAPABLE);
	/* (localhost, http) lies within (localhost, any): a narrowing. */
	limit = cap_net_limit_init(loose, CAPNET_NAME2ADDR);
	ck_assert_int_eq(cap_net_limit(cap_net_limit_name2addr(limit, "localhost", "http")), 0);
	ck_assert_int_eq(try_getaddrinfo(loose, "localhost", "https", AF_UNSPEC), ENOTCAPABLE);
	ck_assert_int_eq(try_getaddrinfo(loose, "localhost", "http", AF_UNSPEC), 0);

	/* Results outside the families are dropped: none left is EAI_NONAME. */
	ck_assert_int_eq(try_getaddrinfo(v6, "localhost", NULL, AF_UNSPEC), EAI_NONAME);
	ck_assert_int_eq(try_getaddrinfo(v6, "::1", NULL, AF_UNSPEC), 0);
	ck_assert_int_eq(try_getaddrinfo(v6, "::1", NULL, AF_INET6), 0);
	ck_assert_int_eq(try_getaddrinfo(v6, "localhost", NULL, AF_INET), ENOTCAPABLE);
	cap_close(strict);
	cap_close(loose);
	cap_close(v6);
}
END_TEST

START_TEST(addr2name_addresses_and_families)
{
	int inet[] = {AF_INET};
	struct sockaddr_in lo = sin_of("127.0.0.1", 0), other = sin_of("127.0.0.2", 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = "/tmp/x"};
	cap_channel_t *chan = open_net();
	cap_net_limit_t *limit;
	unsigned char lo2[4] = {127, 0, 0, 2};
	char want[LK_MAX], got[LK_MAX];
	struct hostent *hp;

	lk_hostent(want, sizeof(want), gethostbyaddr(lo4, 4, AF_INET), h_errno);
	limit = cap_net_limit_init(chan, CAPNET_ADDR2NAME | CAPNET_DEPRECATED_ADDR2NAME);
	limit = cap_net_limit_addr2name_family(limit, inet, 1);
	ck_assert_int_eq(cap_net_limit(cap_net_limit_addr2name(limit, SA(&lo), sizeof(lo))), 0);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(try_nameinfo(chan, AF_INET, "127.0.0.1"), 0); /* any port */
	ck_assert_int_eq(try_nameinfo(chan, AF_INET, "127.0.0.2"), ENOTCAPABLE);
	ck_assert_int_eq(try_nameinfo(chan, AF_INET6, "::1"), ENOTCAPABLE);
	hp = cap_gethostbyaddr(chan, lo4, 4, AF_INET);
	lk_hostent(got, sizeof(got), hp, h_errno);
	ck_assert_str_eq(got, want);
	ck_host_fails(cap_gethostbyaddr(chan, lo2, 4, AF_INET), ENOTCAPABLE);
	ck_host_fails(cap_gethostbyaddr(chan, lo6, 16, AF_INET6), ENOTCAPABLE);
	ck_host_fails(cap_gethostbyaddr(chan, lo4, 3, AF_INET), ENOTCAPABLE);
	limit = cap_net_limit_init(chan, CAPNET_ADDR2NAME);
	limit = cap_net_limit_addr2name_family(limit, inet, 1);
	limit = cap_net_limit_addr2name(limit, SA(&lo), sizeof(lo));
	ck_assert_fails(cap_net_limit(cap_net_limit_addr2name(limit, SA(&other), sizeof(other))),
	                ENOTCAPABLE);
	limit = cap_net_limit_init(chan, CAPNET_ADDR2NAME);
	ck_assert_fails(cap_net_limit(cap_net_limit_addr2name(limit, SA(&sun), sizeof(sun))),
	                EINVAL);
	ck_assert_int_eq(try_nameinfo(chan, AF_INET, "127.0.0.2"), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

/*
 * AF_UNIX: addresses compared by path.  Connecting works; binding a path
 * fails with EACCES and connecting to an abstract name with EPERM where
 * Landlock confines the service (read-only file system; abstract sockets
 * scoped to its own domain).
 */
START_TEST(unix_sockets)
{
	const char *dir = scratch_dir();
	struct sockaddr_un a = {.sun_family = AF_UNIX}, b = a, c = a, d = a, abs = a, padded;
	sa_family_t unnamed = AF_UNIX;
	socklen_t abslen;
	cap_channel_t *chan = open_net();
	cap_net_limit_t *limit;
	int la, lb, labs, s;

	ck_assert_int_lt(snprintf(a.sun_path, sizeof(a.sun_path), "%.100s/a", dir), 108);
	ck_assert_int_lt(snprintf(b.sun_path, sizeof(b.sun_path), "%.100s/b", dir), 108);
	ck_assert_int_lt(snprintf(c.sun_path, sizeof(c.sun_path), "%.100s/c", dir), 108);
	ck_assert_int_lt(snprintf(d.sun_path, sizeof(d.sun_path), "%.100s/d", dir), 108);
	snprintf(abs.sun_path + 1, sizeof(abs.sun_path) - 1, "capsicum-net-%d", (int)getpid());
	abslen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(abs.sun_path + 1));
	la = socket(AF_UNIX, SOCK_STREAM, 0);
	lb = socket(AF_UNIX, SOCK_STREAM, 0);
	labs = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(la, SA(&a), sizeof(a)), 0);
	ck_assert_int_eq(bind(lb, SA(&b), sizeof(b)), 0);
	ck_assert_int_eq(bind(labs, SA(&abs), abslen), 0);
	ck_assert_int_eq(listen(la, 4) | listen(lb, 4) | listen(labs, 4), 0);
	limit = cap_net_limit_init(chan, CAPNET_CONNECT | CAPNET_BIND);
	limit = cap_net_limit_connect(limit, SA(&a), sizeof(a));
	limit = cap_net_limit_connect(limit, SA(&abs), abslen);
	limit = cap_net_limit_bind(limit, SA(&c), sizeof(c));
	limit = cap_net_limit_bind(limit, (struct sockaddr *)&unnamed, sizeof(unnamed));
	ck_assert_int_eq(cap_net_limit(limit), 0);
	ck_assert_int_eq(cap_enter(), 0);

	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(cap_connect(chan, s, SA(&a), sizeof(a)), 0);
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_fails(cap_connect(chan, s, SA(&b), sizeof(b)), ENOTCAPABLE);
	close(s);
	/* The path is what counts, not the bytes after it. */
	padded = a;
	memset(padded.sun_path + strlen(a.sun_path) + 1, 'z',
	       sizeof(padded.sun_path) - strlen(a.sun_path) - 1);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(cap_connect(chan, s, SA(&padded), sizeof(padded)), 0);
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (landlock_abi() >= 6)
		ck_assert_fails(cap_connect(chan, s, SA(&abs), abslen), EPERM);
	else
		ck_assert_int_eq(cap_connect(chan, s, SA(&abs), abslen), 0);
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_fails(cap_bind(chan, s, SA(&d), sizeof(d)), ENOTCAPABLE);
	if (landlock_abi() >= 1)
		ck_assert_fails(cap_bind(chan, s, SA(&c), sizeof(c)), EACCES);
	else
		ck_assert_int_eq(cap_bind(chan, s, SA(&c), sizeof(c)), 0);
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(cap_bind(chan, s, (struct sockaddr *)&unnamed, sizeof(unnamed)), 0);
	close(s);
	cap_close(chan);
	close(la);
	close(lb);
	close(labs);
}
END_TEST

static void unix_setup(void)
{
	scratch_setup("net");
	/* The tests run as root or as nobody: the directory is theirs either way. */
	if (chmod(scratch_dir(), 0777) != 0)
		abort();
}

static nvlist_t *sockaddr_list(const void *sa, size_t len)
{
	nvlist_t *l = nvlist_create(0);

	nvlist_add_binary(l, "0", sa, len);
	return l;
}

static nvlist_t *group(const char *name, nvlist_t *list)
{
	nvlist_t *g = nvlist_create(0);

	nvlist_move_nvlist(g, name, list);
	return g;
}

/* Limits that are malformed, whatever came before. */
static nvlist_t *bad_limits(int i)
{
	struct sockaddr_in sin = sin_of("127.0.0.1", 80);
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = "/x"};
	nvlist_t *l = nvlist_create(0), *sub;

	if (i != 0 && i != 2)
		nvlist_add_number(l, "mode", CAPNET_CONNECT | CAPNET_ADDR2NAME | CAPNET_NAME2ADDR);
	switch (i) {
	case 0: /* no mode */
		nvlist_move_nvlist(l, "connect", sockaddr_list(&sin, sizeof(sin)));
		break;
	case 1:
		nvlist_free_number(l, "mode");
		nvlist_add_number(l, "mode", 0x80);
		break;
	case 2:
		nvlist_add_string(l, "mode", "connect");
		break;
	case 3:
		nvlist_add_binary(l, "connect", &sin, sizeof(sin));
		break;
	case 4:
		sub = nvlist_create(0);
		nvlist_add_string(sub, "0", "127.0.0.1");
		nvlist_move_nvlist(l, "connect", sub);
		break;
	case 5:
		nvlist_move_nvlist(l, "connect", sockaddr_list(&sin, 3));
		break;
	case 6: { /* an AF_INET address 4 bytes too long */
		char buf[sizeof(sin) + 4] = {0};

		memcpy(buf, &sin, sizeof(sin));
		nvlist_move_nvlist(l, "connect", sockaddr_list(buf, sizeof(buf)));
		break;
	}
	case 7:
		nvlist_move_nvlist(l, "addr2name",
		                   group("sockaddr", sockaddr_list(&sun, sizeof(sun))));
		break;
	case 8:
		nvlist_move_nvlist(l, "addr2name", group("foo", nvlist_create(0)));
		break;
	case 9:
		sub = nvlist_create(0);
		nvlist_add_string(sub, "0", "localhost");
		nvlist_move_nvlist(l, "name2addr", group("hosts", sub));
		break;
	case 10: {
		nvlist_t *entry = nvlist_create(0);

		nvlist_add_string(entry, "host", "localhost");
		nvlist_add_string(entry, "port", "80");
		sub = nvlist_create(0);
		nvlist_move_nvlist(sub, "0", entry);
		nvlist_move_nvlist(l, "name2addr", group("hosts", sub));
		break;
	}
	case 11:
		sub = nvlist_create(0);
		nvlist_add_string(sub, "0", "inet");
		nvlist_move_nvlist(l, "name2addr", group("family", sub));
		break;
	case 12:
		sub = nvlist_create(0);
		nvlist_add_number(sub, "0", 1ull << 40);
		nvlist_move_nvlist(l, "name2addr", group("family", sub));
		break;
	case 13:
		nvlist_add_null(l, "extra");
		break;
	case 14:
		nvlist_add_string(l, "name2addr", "localhost");
		break;
	case 15: /* attack (review F3): a second "mode" that is not a number */
		nvlist_destroy(l);
		l = nvlist_create(NV_FLAG_NO_UNIQUE);
		nvlist_add_number(l, "mode", CAPNET_CONNECT);
		nvlist_add_descriptor(l, "mode", 0);
		break;
	default:
		nvlist_destroy(l);
		return NULL;
	}
	return l;
}

START_TEST(malformed_limits_refused)
{
	int port, lis = listener(&port);
	struct sockaddr_in sin = sin_of("127.0.0.1", port);
	cap_channel_t *chan = open_net();
	cap_net_limit_t *limit;
	nvlist_t *l;

	ck_assert_int_eq(cap_enter(), 0);
	for (int i = 0; (l = bad_limits(i)) != NULL; i++) {
		errno = 0;
		ck_assert_msg(cap_limit_set(chan, l) == -1 && errno == EINVAL, "case %d: errno %d",
		              i, errno);
		ck_assert_int_eq(cap_limit_get(chan, &l), 0);
		ck_assert_ptr_null(l);
	}
	limit = cap_net_limit_init(chan, CAPNET_CONNECT | CAPNET_BIND);
	ck_assert_fails(cap_net_limit(cap_net_limit_connect(limit, NULL, 0)), EINVAL);
	limit = cap_net_limit_init(chan, CAPNET_CONNECT);
	ck_assert_int_eq(cap_net_limit(cap_net_limit_connect(limit, SA(&sin), sizeof(sin))), 0);
	for (int i = 0; (l = bad_limits(i)) != NULL; i++) {
		errno = 0;
		ck_assert_msg(cap_limit_set(chan, l) == -1 && errno == EINVAL, "case %d: errno %d",
		              i, errno);
	}
	ck_assert_int_eq(try_connect(chan, "127.0.0.1", port), 0);
	ck_assert_int_eq(try_bind(chan, "127.0.0.1", 0), ENOTCAPABLE);
	/* An empty list allows nothing. */
	l = nvlist_create(0);
	nvlist_add_number(l, "mode", CAPNET_CONNECT);
	nvlist_move_nvlist(l, "connect", nvlist_create(0));
	ck_assert_int_eq(cap_limit_set(chan, l), 0);
	ck_assert_int_eq(try_connect(chan, "127.0.0.1", port), ENOTCAPABLE);
	ck_assert_fails(cap_net_limit(NULL), EINVAL);
	ck_assert_ptr_null(cap_net_limit_bind(NULL, SA(&sin), sizeof(sin)));
	cap_net_free(NULL);
	close(lis);
	cap_close(chan);
}
END_TEST

/* ---- hostile clients ---- */

static int pipe_end(void)
{
	static int p[2] = {-1, -1};

	if (p[0] < 0)
		ck_assert_int_eq(pipe(p), 0);
	return p[0];
}

static nvlist_t *hostile(int i, int allowed_port, int other_port)
{
	static char big[4096];
	struct sockaddr_in ok = sin_of("127.0.0.1", allowed_port),
	                   no = sin_of("127.0.0.1", other_port);
	nvlist_t *n = nvlist_create(0), *l;
	int s = tcp(AF_INET);

	switch (i) {
	case 0:
		nvlist_add_string(n, "cmd", "connect");
		nvlist_add_binary(n, "saddr", &ok, sizeof(ok));
		break;
	case 1:
		nvlist_add_string(n, "cmd", "connect");
		nvlist_add_number(n, "s", 3);
		nvlist_add_binary(n, "saddr", &ok, sizeof(ok));
		break;
	case 2:
		nvlist_add_string(n, "cmd", "connect");
		nvlist_add_descriptor(n, "s", s);
		break;
	case 3:
		nvlist_add_string(n, "cmd", "connect");
		nvlist_add_descriptor(n, "s", s);
		nvlist_add_binary(n, "saddr", &ok, 1);
		break;
	case 4:
		nvlist_add_string(n, "cmd", "connect");
		nvlist_add_descriptor(n, "s", s);
		nvlist_add_binary(n, "saddr", big, sizeof(big));
		break;
	case 5: /* an allowed address, but not a socket */
		nvlist_add_string(n, "cmd", "connect");
		nvlist_add_descriptor(n, "s", pipe_end());
		nvlist_add_binary(n, "saddr", &ok, sizeof(ok));
		break;
	case 6:
		nvlist_add_string(n, "cmd", "connect");
		nvlist_add_descriptor(n, "s", s);
		nvlist_add_binary(n, "saddr", &no, sizeof(no));
		break;
	case 7:
		nvlist_add_string(n, "cmd", "bind");
		nvlist_add_descriptor(n, "s", s);
		nvlist_add_binary(n, "saddr", &ok, sizeof(ok));
		break;
	case 8:
		nvlist_add_string(n, "cmd", "bind");
		nvlist_add_descriptor(n, "s", s);
		nvlist_add_string(n, "saddr", "127.0.0.1");
		break;
	case 9:
		nvlist_add_string(n, "cmd", "nonsense");
		nvlist_add_descriptor(n, "s", s);
		break;
	case 10:
		nvlist_add_string(n, "cmd", "getaddrinfo");
		nvlist_add_number(n, "hostname", 1);
		break;
	case 11:
		l = nvlist_create(0);
		nvlist_add_number(l, "mode", 0x7f);
		nvlist_add_string(n, "cmd", "limit_set");
		nvlist_move_nvlist(n, "limits", l);
		break;
	case 12:
		nvlist_add_string(n, "cmd", "gethostbyname");
		nvlist_add_string(n, "name", "localhost");
		nvlist_add_number(n, "family", AF_INET);
		break;
	case 13:
		nvlist_add_string(n, "cmd", "getnameinfo");
		nvlist_add_binary(n, "sa", big, sizeof(big));
		nvlist_add_number(n, "hostlen", UINT64_MAX);
		nvlist_add_number(n, "servlen", UINT64_MAX);
		nvlist_add_number(n, "flags", UINT64_MAX);
		break;
	case 14:
		nvlist_add_string(n, "cmd", "connect");
		nvlist_add_descriptor(n, "s", s);
		nvlist_add_descriptor(n, "saddr", s);
		break;
	case 15:
		nvlist_add_string(n, "cmd", "getaddrinfo");
		nvlist_add_string(n, "hostname", "localhost");
		nvlist_add_string(n, "servname", "https");
		break;
	case 16: /* no cmd at all */
		nvlist_add_descriptor(n, "s", s);
		break;
	default:
		nvlist_destroy(n);
		n = NULL;
	}
	close(s);
	return n;
}

START_TEST(hostile_requests)
{
	int a, b, la = listener(&a), lb = listener(&b);
	struct sockaddr_in sa = sin_of("127.0.0.1", a);
	cap_channel_t *chan = open_net();
	cap_net_limit_t *limit;
	nvlist_t *n;

	limit = cap_net_limit_init(chan, CAPNET_CONNECT | CAPNET_NAME2ADDR);
	limit = cap_net_limit_connect(limit, SA(&sa), sizeof(sa));
	ck_assert_int_eq(cap_net_limit(cap_net_limit_name2addr(limit, "localhost", "http")), 0);
	(void)pipe_end();
	ck_assert_int_eq(cap_enter(), 0);
	for (int i = 0; (n = hostile(i, a, b)) != NULL; i++) {
		int err = raw_error(chan, n);

		ck_assert_msg(err != 0 && err != -1, "request %d: error %d", i, err);
		if (i == 5)
			ck_assert_int_eq(err, ENOTSOCK);
		ck_assert_int_eq(try_connect(chan, "127.0.0.1", a), 0);
		ck_assert_int_eq(try_connect(chan, "127.0.0.1", b), ENOTCAPABLE);
		ck_assert_int_eq(try_bind(chan, "127.0.0.1", 0), ENOTCAPABLE);
		ck_assert_int_eq(try_getaddrinfo(chan, "localhost", "http", AF_INET), 0);
		ck_assert_int_eq(try_getaddrinfo(chan, "localhost", "https", AF_INET), ENOTCAPABLE);
		ck_host_fails(cap_gethostbyname(chan, "localhost"), ENOTCAPABLE);
	}
	close(la);
	close(lb);
	cap_close(chan);
}
END_TEST

/* ---- libcap_dns and libcap_net in one program ---- */

typedef int gai_fn(cap_channel_t *, const char *, const char *, const struct addrinfo *,
                   struct addrinfo **);
typedef struct hostent *ghbn_fn(cap_channel_t *, const char *);
typedef int type_limit_fn(cap_channel_t *, const char *const *, size_t);

static void *load_cap_dns(void)
{
	Dl_info info;
	char path[4096], *base;
	void *h;

	ck_assert_int_ne(dladdr((void *)cap_bind, &info), 0);
	snprintf(path, sizeof(path), "%s", info.dli_fname);
	base = strstr(path, "libcap_net.so");
	ck_assert_ptr_nonnull(base);
	memcpy(base, "libcap_dns", 10);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(h != NULL, "dlopen %s: %s", path, dlerror());
	return h;
}

/*
 * Both libraries define the five lookups (as on FreeBSD); they send the
 * same requests, so each library's functions serve on either channel.
 */
START_TEST(cap_dns_functions_interoperate)
{
	void *h = load_cap_dns(); /* registers system.dns: before cap_init() */
	gai_fn *dns_gai = (gai_fn *)dlsym(h, "cap_getaddrinfo");
	ghbn_fn *dns_ghbn = (ghbn_fn *)dlsym(h, "cap_gethostbyname");
	type_limit_fn *dns_type_limit = (type_limit_fn *)dlsym(h, "cap_dns_type_limit");
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
	const char *addr2name[] = {"ADDR2NAME"};
	cap_channel_t *net, *dns;
	char want[LK_MAX], got[LK_MAX];
	int err;

	ck_assert(dns_gai != NULL && dns_ghbn != NULL && dns_type_limit != NULL);
	ck_assert_ptr_ne((void *)dns_gai, (void *)cap_getaddrinfo);
	ck_assert_ptr_ne((void *)dns_ghbn, (void *)cap_gethostbyname);
	err = getaddrinfo("localhost", "http", &hints, &res);
	lk_addrinfo(want, sizeof(want), err, res);
	if (err == 0)
		freeaddrinfo(res);
	net = open_net();
	dns = cap_service_open(casper, "system.dns");
	ck_assert_ptr_nonnull(dns);
	ck_assert_int_eq(cap_enter(), 0);

	err = dns_gai(net, "localhost", "http", &hints, &res);
	lk_addrinfo(got, sizeof(got), err, res);
	if (err == 0)
		freeaddrinfo(res);
	ck_assert_str_eq(got, want);
	err = cap_getaddrinfo(dns, "localhost", "http", &hints, &res);
	lk_addrinfo(got, sizeof(got), err, res);
	if (err == 0)
		freeaddrinfo(res);
	ck_assert_str_eq(got, want);
	ck_assert_ptr_nonnull(dns_ghbn(net, "localhost"));
	ck_assert_ptr_nonnull(cap_gethostbyname(dns, "localhost"));
	/* Each service still applies its own limits. */
	ck_assert_int_eq(dns_type_limit(dns, addr2name, 1), 0);
	ck_assert_int_eq(cap_getaddrinfo(dns, "localhost", NULL, NULL, &res), EAI_FAIL);
	ck_assert_int_eq(cap_net_limit(cap_net_limit_init(net, CAPNET_ADDR2NAME)), 0);
	ck_assert_int_eq(dns_gai(net, "localhost", NULL, NULL, &res), ENOTCAPABLE);
	cap_close(net);
	cap_close(dns);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cap_net");
	TCase *calls = tcase_create("calls");
	TCase *limits = tcase_create("limits");
	TCase *unix_tc = tcase_create("unix");
	TCase *hostile_tc = tcase_create("hostile");

	tcase_add_test(calls, lookups_match_libc_in_capability_mode);
	tcase_add_test(calls, bind_and_connect_tcp);
	tcase_add_test(calls, connect_udp);
	tcase_add_test(calls, cap_dns_functions_interoperate);
	tcase_add_test(calls, documented_deviation_restricted_sockets_refused);
	suite_add_tcase(s, calls);
	tcase_add_test(limits, addresses_limit_bind_and_connect);
	tcase_add_test(limits, each_mode_bit_gates_its_calls);
	tcase_add_test(limits, connectdns_allows_what_was_resolved);
	tcase_add_test(limits, name2addr_hosts_and_families);
	tcase_add_test(limits, addr2name_addresses_and_families);
	tcase_add_test(limits, malformed_limits_refused);
	suite_add_tcase(s, limits);
	tcase_add_unchecked_fixture(unix_tc, unix_setup, scratch_teardown);
	tcase_add_test(unix_tc, unix_sockets);
	suite_add_tcase(s, unix_tc);
	tcase_add_test(hostile_tc, hostile_requests);
	suite_add_tcase(s, hostile_tc);
	return s;
}

TEST_MAIN()
