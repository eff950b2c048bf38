/*
 * <casper/cap_net.h> -- system.net: bind(2), connect(2) and host name and
 * address lookups through a Casper service, within limits on what each
 * may reach.  Source-compatible with FreeBSD 13 and later.  See
 * cap_net(3).
 *
 * The five lookup calls have the same names in <casper/cap_dns.h>; both
 * libraries speak the same requests, so either library's functions work
 * on a channel to either service (see cap_net(3)).
 *
 * Without WITH_CASPER every call is the plain C library call and the
 * limit functions do nothing (FreeBSD's convention, see libcasper.h).
 */
#ifndef _CAP_NETWORK_H_
#define _CAP_NETWORK_H_

#ifdef HAVE_CASPER
#define WITH_CASPER
#endif

#include <netdb.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <libcasper.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo;
struct hostent;

struct cap_net_limit;
typedef struct cap_net_limit cap_net_limit_t;

#define CAPNET_ADDR2NAME            (0x01)
#define CAPNET_NAME2ADDR            (0x02)
#define CAPNET_DEPRECATED_ADDR2NAME (0x04)
#define CAPNET_DEPRECATED_NAME2ADDR (0x08)
#define CAPNET_CONNECT              (0x10)
#define CAPNET_BIND                 (0x20)
#define CAPNET_CONNECTDNS           (0x40)

#ifdef WITH_CASPER

int cap_bind(cap_channel_t *chan, int s, const struct sockaddr *addr, socklen_t addrlen);
int cap_connect(cap_channel_t *chan, int s, const struct sockaddr *name, socklen_t namelen);

int cap_getaddrinfo(cap_channel_t *chan, const char *hostname, const char *servname,
                    const struct addrinfo *hints, struct addrinfo **res);
int cap_getnameinfo(cap_channel_t *chan, const struct sockaddr *sa, socklen_t salen, char *host,
                    size_t hostlen, char *serv, size_t servlen, int flags);

cap_net_limit_t *cap_net_limit_init(cap_channel_t *chan, uint64_t mode);
int cap_net_limit(cap_net_limit_t *limit);
void cap_net_free(cap_net_limit_t *limit);

cap_net_limit_t *cap_net_limit_addr2name_family(cap_net_limit_t *limit, int *family, size_t size);
cap_net_limit_t *cap_net_limit_addr2name(cap_net_limit_t *limit, const struct sockaddr *sa,
                                         socklen_t salen);
cap_net_limit_t *cap_net_limit_name2addr_family(cap_net_limit_t *limit, int *family, size_t size);
cap_net_limit_t *cap_net_limit_name2addr(cap_net_limit_t *limit, const char *name,
                                         const char *serv);
cap_net_limit_t *cap_net_limit_connect(cap_net_limit_t *limit, const struct sockaddr *sa,
                                       socklen_t salen);
cap_net_limit_t *cap_net_limit_bind(cap_net_limit_t *limit, const struct sockaddr *sa,
                                    socklen_t salen);

/* Deprecated: the gethostbyname(3) family. */
struct hostent *cap_gethostbyname(cap_channel_t *chan, const char *name);
struct hostent *cap_gethostbyname2(cap_channel_t *chan, const char *name, int af);
struct hostent *cap_gethostbyaddr(cap_channel_t *chan, const void *addr, socklen_t len, int af);

#else /* !WITH_CASPER */

static inline int cap_bind(cap_channel_t *chan, int s, const struct sockaddr *addr,
                           socklen_t addrlen)
{
	(void)chan;
	return bind(s, addr, addrlen);
}

static inline int cap_connect(cap_channel_t *chan, int s, const struct sockaddr *name,
                              socklen_t namelen)
{
	(void)chan;
	return connect(s, name, namelen);
}

/*
 * As on FreeBSD, the handle is a dummy allocation that the builders pass
 * along and cap_net_limit() or cap_net_free() releases.
 */
static inline cap_net_limit_t *cap_net_limit_init(cap_channel_t *chan, uint64_t mode)
{
	(void)chan;
	(void)mode;
	return (cap_net_limit_t *)malloc(8);
}

static inline int cap_net_limit(cap_net_limit_t *limit)
{
	free(limit);
	return 0;
}

static inline void cap_net_free(cap_net_limit_t *limit)
{
	free(limit);
}

static inline cap_net_limit_t *cap_net_limit_addr2name_family(cap_net_limit_t *limit, int *family,
                                                              size_t size)
{
	(void)family;
	(void)size;
	return limit;
}

static inline cap_net_limit_t *cap_net_limit_addr2name(cap_net_limit_t *limit,
                                                       const struct sockaddr *sa, socklen_t salen)
{
	(void)sa;
	(void)salen;
	return limit;
}

static inline cap_net_limit_t *cap_net_limit_name2addr_family(cap_net_limit_t *limit, int *family,
                                                              size_t size)
{
	(void)family;
	(void)size;
	return limit;
}

static inline cap_net_limit_t *cap_net_limit_name2addr(cap_net_limit_t *limit, const char *name,
                                                       const char *serv)
{
	(void)name;
	(void)serv;
	return limit;
}

static inline cap_net_limit_t *cap_net_limit_connect(cap_net_limit_t *limit,
                                                     const struct sockaddr *sa, socklen_t salen)
{
	(void)sa;
	(void)salen;
	return limit;
}

static inline cap_net_limit_t *cap_net_limit_bind(cap_net_limit_t *limit, const struct sockaddr *sa,
                                                  socklen_t salen)
{
	(void)sa;
	(void)salen;
	return limit;
}

/* Shared with <casper/cap_dns.h>, which declares the same five calls. */
#ifndef _CAP_RESOLVER_FALLBACK_
#define _CAP_RESOLVER_FALLBACK_
static inline struct hostent *cap_gethostbyname(cap_channel_t *chan, const char *name)
{
	(void)chan;
	return gethostbyname(name);
}

static inline struct hostent *cap_gethostbyname2(cap_channel_t *chan, const char *name, int af)
{
	(void)chan;
	return gethostbyname2(name, af);
}

static inline struct hostent *cap_gethostbyaddr(cap_channel_t *chan, const void *addr,
                                                socklen_t len, int af)
{
	(void)chan;
	return gethostbyaddr(addr, len, af);
}

static inline int cap_getaddrinfo(cap_channel_t *chan, const char *hostname, const char *servname,
                                  const struct addrinfo *hints, struct addrinfo **res)
{
	(void)chan;
	return getaddrinfo(hostname, servname, hints, res);
}

static inline int cap_getnameinfo(cap_channel_t *chan, const struct sockaddr *sa, socklen_t salen,
                                  char *host, size_t hostlen, char *serv, size_t servlen, int flags)
{
	(void)chan;
	return getnameinfo(sa, salen, host, (socklen_t)hostlen, serv, (socklen_t)servlen, flags);
}
#endif /* !_CAP_RESOLVER_FALLBACK_ */

#endif /* WITH_CASPER */

#ifdef __cplusplus
}
#endif

#endif /* !_CAP_NETWORK_H_ */
