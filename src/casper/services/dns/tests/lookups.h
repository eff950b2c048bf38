/*
 * Lookups for the system.dns and system.net tests: a table of calls that
 * the C library answers from /etc/hosts, /etc/services or numbers (no
 * network DNS), each run once through the C library before cap_enter()
 * and once through a channel afterwards, and the answers compared as
 * text (every field of every hostent, addrinfo and getnameinfo result).
 */
#ifndef CASPER_TESTS_LOOKUPS_H
#define CASPER_TESTS_LOOKUPS_H

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <libcasper.h>

#define LK_MAX 4096

enum lk_kind { LK_GHBN, LK_GHBN2, LK_GHBA, LK_GAI, LK_GNI };

struct lk_case {
	enum lk_kind kind;
	const char *name; /* host name ("=self": see lk_self()), or address */
	const char *serv;
	int family;                /* gethostbyname2, gethostbyaddr, the address's */
	int hints;                 /* getaddrinfo: hints given */
	int ai_flags, ai_socktype; /* getaddrinfo hints (ai_family: family) */
	int port, flags;           /* getnameinfo */
	size_t hostlen, servlen;   /* getnameinfo buffers (0: none) */
	int salen_delta;           /* getnameinfo: added to the exact size */
};

/* All answered from files or numbers on any machine with /etc/hosts' localhost. */
static const struct lk_case lk_cases[] = {
    {LK_GHBN, "localhost"},
    {LK_GHBN, "=self"},
    {LK_GHBN, "127.0.0.1"},
    {LK_GHBN2, "localhost", .family = AF_INET},
    {LK_GHBN2, "=self", .family = AF_INET},
    {LK_GHBN2, "::1", .family = AF_INET6},
    {LK_GHBA, "127.0.0.1", .family = AF_INET},
    {LK_GHBA, "127.0.0.1", .family = AF_INET6}, /* wrong size for the family */
    {LK_GAI, "localhost"},
    {LK_GAI, "localhost", "http", AF_INET, 1, 0, SOCK_STREAM},
    {LK_GAI, "localhost", "domain", AF_UNSPEC, 1, 0, SOCK_DGRAM},
    {LK_GAI, "localhost", NULL, AF_INET, 1, AI_CANONNAME, 0},
    {LK_GAI, "=self", "8080", AF_UNSPEC, 1, AI_NUMERICSERV, SOCK_STREAM},
    {LK_GAI, "127.0.0.1", "80", AF_UNSPEC, 1, AI_NUMERICHOST, 0},
    {LK_GAI, "::1", "443", AF_INET6, 1, AI_NUMERICHOST, SOCK_STREAM},
    {LK_GAI, "not-a-number", NULL, AF_UNSPEC, 1, AI_NUMERICHOST, 0},
    {LK_GAI, "localhost", "no-such-service", AF_UNSPEC, 1, 0, SOCK_STREAM},
    {LK_GAI, NULL, "8080", AF_INET, 1, AI_PASSIVE, SOCK_STREAM},
    {LK_GAI, NULL, NULL, AF_UNSPEC, 1, 0, 0},
    {LK_GAI, "localhost", "http", AF_INET, 1, 0x4000000, 0}, /* a flag that is none */
    {LK_GNI, "127.0.0.1", .family = AF_INET, .port = 80, .hostlen = NI_MAXHOST,
     .servlen = NI_MAXSERV},
    {LK_GNI, "127.0.0.1", .family = AF_INET, .port = 80, .flags = NI_NUMERICHOST | NI_NUMERICSERV,
     .hostlen = NI_MAXHOST, .servlen = NI_MAXSERV},
    {LK_GNI, "127.0.0.1", .family = AF_INET, .port = 53, .flags = NI_DGRAM, .servlen = 32},
    {LK_GNI, "127.0.0.1", .family = AF_INET, .flags = NI_NAMEREQD, .hostlen = 64},
    {LK_GNI, "127.0.0.1", .family = AF_INET, .hostlen = 3},
    {LK_GNI, "::1", .family = AF_INET6, .port = 443, .flags = NI_NUMERICHOST, .hostlen = NI_MAXHOST,
     .servlen = NI_MAXSERV},
    {LK_GNI, "127.0.0.1", .family = AF_INET, .hostlen = 64, .salen_delta = -1},
    {LK_GNI, "127.0.0.1", .family = AF_INET},
};

#define LK_NCASES (sizeof(lk_cases) / sizeof(lk_cases[0]))

static inline void lk_printf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static inline void lk_hex(char *buf, size_t size, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lk_printf(buf, size, "%02x", ((const unsigned char *)p)[i]);
}

static inline void lk_hostent(char *buf, size_t size, const struct hostent *hp, int herr)
{
	buf[0] = '\0';
	if (hp == NULL) {
		lk_printf(buf, size, "NULL h_errno=%d", herr);
		return;
	}
	lk_printf(buf, size, "name=%s type=%d len=%d aliases=", hp->h_name, hp->h_addrtype,
	          hp->h_length);
	for (char **a = hp->h_aliases; *a != NULL; a++)
		lk_printf(buf, size, "%s,", *a);
	lk_printf(buf, size, " addrs=");
	for (char **a = hp->h_addr_list; *a != NULL; a++) {
		lk_hex(buf, size, *a, (size_t)hp->h_length);
		lk_printf(buf, size, ",");
	}
}

static inline void lk_addrinfo(char *buf, size_t size, int err, const struct addrinfo *res)
{
	buf[0] = '\0';
	lk_printf(buf, size, "err=%d", err);
	for (const struct addrinfo *ai = err == 0 ? res : NULL; ai != NULL; ai = ai->ai_next) {
		lk_printf(
		    buf, size, " [flags=%d family=%d type=%d proto=%d len=%u addr=", ai->ai_flags,
		    ai->ai_family, ai->ai_socktype, ai->ai_protocol, (unsigned)ai->ai_addrlen);
		lk_hex(buf, size, ai->ai_addr, ai->ai_addrlen);
		lk_printf(buf, size, " canon=%s]", ai->ai_canonname ? ai->ai_canonname : "-");
	}
}

/* The socket address of text (an AF_INET or AF_INET6 address) and port. */
static inline socklen_t lk_sockaddr(struct sockaddr_storage *ss, int family, const char *text,
                                    int port)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, text, &sin->sin_addr) != 1)
			abort();
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, text, &sin6->sin6_addr) != 1)
			abort();
		return sizeof(*sin6);
	}
}

/*
 * "=self": this machine's name if /etc/hosts lists it, else another name
 * /etc/hosts lists (the name may have changed since the file was
 * written, and a name only DNS knows would make the tests depend on the
 * network), else localhost.  Read before cap_enter(), then kept.
 */
static inline const char *lk_self(void)
{
	static char self[256];
	char name[256] = "", line[1024], other[256] = "";
	FILE *f;

	if (self[0] != '\0')
		return self;
	if (gethostname(name, sizeof(name) - 1) != 0)
		name[0] = '\0';
	if ((f = fopen("/etc/hosts", "r")) != NULL) {
		while (self[0] == '\0' && fgets(line, sizeof(line), f) != NULL) {
			char *save = NULL, *tok = strtok_r(line, " \t\n", &save);

			if (tok == NULL || tok[0] == '#' || strchr(tok, ':') != NULL)
				continue;
			while ((tok = strtok_r(NULL, " \t\n", &save)) != NULL && tok[0] != '#') {
				if (strcmp(tok, name) == 0)
					snprintf(self, sizeof(self), "%s", tok);
				else if (other[0] == '\0' && strcmp(tok, "localhost") != 0)
					snprintf(other, sizeof(other), "%s", tok);
			}
		}
		fclose(f);
	}
	if (self[0] == '\0')
		snprintf(self, sizeof(self), "%s", other[0] != '\0' ? other : "localhost");
	return self;
}

/* Runs case c through chan (NULL: the C library); its answer as text in buf. */
static inline void lk_run(cap_channel_t *chan, const struct lk_case *c, char *buf, size_t size)
{
	const char *name = c->name;
	struct sockaddr_storage ss;
	struct hostent *hp;
	struct addrinfo hints = {0}, *res = NULL;
	char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "", raw[16];
	socklen_t salen;
	int err;

	if (name != NULL && strcmp(name, "=self") == 0)
		name = lk_self();
	switch (c->kind) {
	case LK_GHBN:
	case LK_GHBN2:
		h_errno = 0;
		if (c->kind == LK_GHBN)
			hp = chan ? cap_gethostbyname(chan, name) : gethostbyname(name);
		else
			hp = chan ? cap_gethostbyname2(chan, name, c->family)
			          : gethostbyname2(name, c->family);
		lk_hostent(buf, size, hp, h_errno);
		break;
	case LK_GHBA:
		if (inet_pton(AF_INET, name, raw) != 1 && inet_pton(AF_INET6, name, raw) != 1)
			abort();
		salen = strchr(name, ':') ? 16 : 4;
		h_errno = 0;
		hp = chan ? cap_gethostbyaddr(chan, raw, salen, c->family)
		          : gethostbyaddr(raw, salen, c->family);
		lk_hostent(buf, size, hp, h_errno);
		break;
	case LK_GAI:
		hints.ai_family = c->family;
		hints.ai_flags = c->ai_flags;
		hints.ai_socktype = c->ai_socktype;
		err = chan ? cap_getaddrinfo(chan, name, c->serv, c->hints ? &hints : NULL, &res)
		           : getaddrinfo(name, c->serv, c->hints ? &hints : NULL, &res);
		lk_addrinfo(buf, size, err, res);
		if (err == 0)
			freeaddrinfo(res);
		break;
	case LK_GNI:
		salen =
		    (socklen_t)((int)lk_sockaddr(&ss, c->family, name, c->port) + c->salen_delta);
		err = chan ? cap_getnameinfo(chan, (struct sockaddr *)&ss, salen,
		                             c->hostlen ? host : NULL, c->hostlen,
		                             c->servlen ? serv : NULL, c->servlen, c->flags)
		           : getnameinfo((struct sockaddr *)&ss, salen, c->hostlen ? host : NULL,
		                         (socklen_t)c->hostlen, c->servlen ? serv : NULL,
		                         (socklen_t)c->servlen, c->flags);
		snprintf(buf, size, "err=%d host=%s serv=%s", err, err == 0 ? host : "",
		         err == 0 ? serv : "");
		break;
	}
}

/* The C library's answers to every case, taken before cap_enter(). */
static inline char (*lk_expected(void))[LK_MAX]
{
	static char want[LK_NCASES][LK_MAX];

	for (size_t i = 0; i < LK_NCASES; i++)
		lk_run(NULL, &lk_cases[i], want[i], LK_MAX);
	return want;
}

#endif
