/*
 * <casper/cap_dns.h> -- system.dns: host name and address lookups through
 * a Casper service, within limits on the kinds of lookup and the address
 * families.  Source-compatible with FreeBSD, where system.net supersedes
 * it.  See cap_dns(3).
 *
 * The five lookup calls have the same names in <casper/cap_net.h>; both
 * libraries speak the same requests, so either library's functions work
 * on a channel to either service (see cap_dns(3)).
 *
 * Without WITH_CASPER every call is the plain C library call and the
 * limit functions do nothing (FreeBSD's convention, see libcasper.h).
 */
#ifndef _CAP_DNS_H_
#define _CAP_DNS_H_

#ifdef HAVE_CASPER
#define WITH_CASPER
#endif

#include <netdb.h>
#include <stddef.h>
#include <sys/socket.h>

#include <libcasper.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo;
struct hostent;

#ifdef WITH_CASPER

struct hostent *cap_gethostbyname(cap_channel_t *chan, const char *name);
struct hostent *cap_gethostbyname2(cap_channel_t *chan, const char *name, int af);
struct hostent *cap_gethostbyaddr(cap_channel_t *chan, const void *addr, socklen_t len, int af);

int cap_getaddrinfo(cap_channel_t *chan, const char *hostname, const char *servname,
                    const struct addrinfo *hints, struct addrinfo **res);
int cap_getnameinfo(cap_channel_t *chan, const struct sockaddr *sa, socklen_t salen, char *host,
                    size_t hostlen, char *serv, size_t servlen, int flags);

int cap_dns_type_limit(cap_channel_t *chan, const char *const *types, size_t ntypes);
int cap_dns_family_limit(cap_channel_t *chan, const int *families, size_t nfamilies);

#else /* !WITH_CASPER */

/* Shared with <casper/cap_net.h>, which declares the same five calls. */
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

static inline int cap_dns_type_limit(cap_channel_t *chan, const char *const *types, size_t ntypes)
{
	(void)chan;
	(void)types;
	(void)ntypes;
	return 0;
}

static inline int cap_dns_family_limit(cap_channel_t *chan, const int *families, size_t nfamilies)
{
	(void)chan;
	(void)families;
	(void)nfamilies;
	return 0;
}

#endif /* WITH_CASPER */

#ifdef __cplusplus
}
#endif

#endif /* !_CAP_DNS_H_ */
