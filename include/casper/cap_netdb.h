/*
 * <casper/cap_netdb.h> -- system.netdb: the protocols database through a
 * Casper service.  It has no limits.  Source-compatible with FreeBSD.
 * See cap_netdb(3).
 *
 * Without WITH_CASPER the call is the plain C library call (FreeBSD's
 * convention, see libcasper.h).
 */
#ifndef _CAP_NETDB_H_
#define _CAP_NETDB_H_

#ifdef HAVE_CASPER
#define WITH_CASPER
#endif

#include <netdb.h>

#include <libcasper.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef WITH_CASPER

struct protoent *cap_getprotobyname(cap_channel_t *chan, const char *name);

#else /* !WITH_CASPER */

static inline struct protoent *cap_getprotobyname(cap_channel_t *chan, const char *name)
{
	(void)chan;
	return getprotobyname(name);
}

#endif /* WITH_CASPER */

#ifdef __cplusplus
}
#endif

#endif /* !_CAP_NETDB_H_ */
