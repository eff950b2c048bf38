/*
 * system.dns: host name and address lookups for a program in capability
 * mode, as FreeBSD's libcap_dns (superseded there by system.net, still
 * built).  The requests and replies are resolver.h's, shared with
 * system.net.
 *
 * Limits: strings type<N> naming the lookups allowed -- "NAME2ADDR"
 * (gethostbyname*, getaddrinfo) and "ADDR2NAME" (gethostbyaddr,
 * getnameinfo), or their old names "NAME" and "ADDR" -- and numbers
 * family<N> naming the address families allowed.  No type (or family)
 * entry allows all.  A new set may only name what the old one allowed,
 * taken literally, and may not drop a part the old one had.  Refusals: a
 * hostent lookup fails with NO_RECOVERY; getaddrinfo and getnameinfo
 * with EAI_FAIL for a lookup type not allowed, EAI_FAMILY for a family
 * not allowed; getaddrinfo's results are cut to the families allowed
 * (EAI_NONAME when none remains).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include <casper/cap_dns.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "resolver.h"
#include "../common/confine.h"

#define API RS_API
/*
 * libcap_net defines the five lookups too (as on FreeBSD); these weak
 * ones give way to its, which send the same requests.
 */
#define SHARED_API __attribute__((visibility("default"), weak))

/* ---- the client ---- */

static struct rs_hoststore hoststore;

SHARED_API struct hostent *cap_gethostbyname(cap_channel_t *chan, const char *name)
{
	return rs_gethostbyname2(chan, name, AF_INET, &hoststore);
}

SHARED_API struct hostent *cap_gethostbyname2(cap_channel_t *chan, const char *name, int af)
{
	return rs_gethostbyname2(chan, name, af, &hoststore);
}

SHARED_API struct hostent *cap_gethostbyaddr(cap_channel_t *chan, const void *addr, socklen_t len,
                                             int af)
{
	return rs_gethostbyaddr(chan, addr, len, af, &hoststore);
}

SHARED_API int cap_getaddrinfo(cap_channel_t *chan, const char *hostname, const char *servname,
                               const struct addrinfo *hints, struct addrinfo **res)
{
	return rs_getaddrinfo(chan, hostname, servname, hints, res);
}

SHARED_API int cap_getnameinfo(cap_channel_t *chan, const struct sockaddr *sa, socklen_t salen,
                               char *host, size_t hostlen, char *serv, size_t servlen, int flags)
{
	return rs_getnameinfo(chan, sa, salen, host, hostlen, serv, servlen, flags);
}

static bool has_prefix(const char *name, const char *prefix)
{
	return strncmp(name, prefix, strlen(prefix)) == 0;
}

/*
 * The current limits' entries whose names start with keep (the part a
 * limit call does not replace), in a new list; NULL + errno on failure.
 */
static nvlist_t *dns_kept(cap_channel_t *chan, const char *keep)
{
	nvlist_t *cur, *lim;
	const char *name;
	void *cookie = NULL;
	int type;

	if (cap_limit_get(chan, &cur) < 0)
		return NULL;
	lim = nvlist_create(0);
	while (cur != NULL && (name = nvlist_next(cur, &type, &cookie)) != NULL) {
		if (!has_prefix(name, keep))
			continue;
		if (type == NV_TYPE_STRING)
			nvlist_add_string(lim, name, nvlist_get_string(cur, name));
		else if (type == NV_TYPE_NUMBER)
			nvlist_add_number(lim, name, nvlist_get_number(cur, name));
	}
	nvlist_destroy(cur);
	return lim;
}

API int cap_dns_type_limit(cap_channel_t *chan, const char *const *types, size_t ntypes)
{
	nvlist_t *lim;
	char key[32];

	for (size_t i = 0; i < ntypes; i++) {
		if (types[i] == NULL) {
			errno = EINVAL;
			return -1;
		}
	}
	if ((lim = dns_kept(chan, "family")) == NULL)
		return -1;
	for (size_t i = 0; i < ntypes; i++) {
		snprintf(key, sizeof(key), "type%zu", i);
		nvlist_add_string(lim, key, types[i]);
	}
	return cap_limit_set(chan, lim);
}

API int cap_dns_family_limit(cap_channel_t *chan, const int *families, size_t nfamilies)
{
	nvlist_t *lim;
	char key[32];

	if ((lim = dns_kept(chan, "type")) == NULL)
		return -1;
	for (size_t i = 0; i < nfamilies; i++) {
		snprintf(key, sizeof(key), "family%zu", i);
		rs_add_int(lim, key, families[i]);
	}
	return cap_limit_set(chan, lim);
}

/* ---- the service ---- */

static bool dns_valid_type(const char *type)
{
	return strcmp(type, "NAME2ADDR") == 0 || strcmp(type, "ADDR2NAME") == 0 ||
	       strcmp(type, "NAME") == 0 || strcmp(type, "ADDR") == 0;
}

/* Whether limits allow lookups of type (or legacy, its old name). */
static bool dns_type_allowed(const nvlist_t *limits, const char *type, const char *legacy)
{
	const char *name, *value;
	void *cookie = NULL;
	bool any = false;
	int nvtype;

	if (limits == NULL)
		return true;
	while ((name = nvlist_next(limits, &nvtype, &cookie)) != NULL) {
		if (nvtype != NV_TYPE_STRING || !has_prefix(name, "type"))
			continue;
		any = true;
		value = nvlist_get_string(limits, name);
		if (strcmp(value, type) == 0 || (legacy != NULL && strcmp(value, legacy) == 0))
			return true;
	}
	return !any;
}

/* Whether limits allow addresses of family (listed, or no family entries). */
static bool dns_family_allowed(const nvlist_t *limits, int family)
{
	const char *name;
	void *cookie = NULL;
	bool any = false;
	int nvtype;

	if (limits == NULL)
		return true;
	while ((name = nvlist_next(limits, &nvtype, &cookie)) != NULL) {
		if (nvtype != NV_TYPE_NUMBER || !has_prefix(name, "family"))
			continue;
		any = true;
		if ((int64_t)nvlist_get_number(limits, name) == family)
			return true;
	}
	return !any;
}

static bool dns_keep(int family, const void *limits)
{
	return dns_family_allowed(limits, family);
}

/* EINVAL unless every entry is a known type or an int family; notes which parts exist. */
static int dns_check(const nvlist_t *limits, bool *hastype, bool *hasfamily)
{
	const char *name;
	void *cookie = NULL;
	int nvtype, family;

	while ((name = nvlist_next(limits, &nvtype, &cookie)) != NULL) {
		if (has_prefix(name, "type")) {
			if (nvtype != NV_TYPE_STRING ||
			    !dns_valid_type(nvlist_get_string(limits, name)))
				return EINVAL;
			*hastype = true;
		} else if (has_prefix(name, "family")) {
			if (nvtype != NV_TYPE_NUMBER || !rs_get_int(limits, name, &family))
				return EINVAL;
			*hasfamily = true;
		} else {
			return EINVAL;
		}
	}
	return 0;
}

static int dns_limit(const nvlist_t *oldlimits, const nvlist_t *newlimits)
{
	bool newtype = false, newfamily = false, oldtype = false, oldfamily = false;
	const char *name;
	void *cookie = NULL;
	int nvtype, err;

	if ((err = dns_check(newlimits, &newtype, &newfamily)) != 0 || oldlimits == NULL)
		return err;
	(void)dns_check(oldlimits, &oldtype, &oldfamily);
	if ((oldtype && !newtype) || (oldfamily && !newfamily))
		return ENOTCAPABLE;
	while ((name = nvlist_next(newlimits, &nvtype, &cookie)) != NULL) {
		if (has_prefix(name, "type") &&
		    !dns_type_allowed(oldlimits, nvlist_get_string(newlimits, name), NULL))
			return ENOTCAPABLE;
		if (has_prefix(name, "family") &&
		    !dns_family_allowed(oldlimits, (int)nvlist_get_number(newlimits, name)))
			return ENOTCAPABLE;
	}
	return 0;
}

static bool dns_name2addr(const nvlist_t *limits)
{
	return dns_type_allowed(limits, "NAME2ADDR", "NAME");
}

static bool dns_addr2name(const nvlist_t *limits)
{
	return dns_type_allowed(limits, "ADDR2NAME", "ADDR");
}

static int dns_gethostbyname(const nvlist_t *limits, const nvlist_t *in, nvlist_t *out)
{
	const char *name;
	int family;

	if (!rs_ghbn_args(in, &family, &name))
		return EINVAL;
	if (!dns_name2addr(limits) || !dns_family_allowed(limits, family))
		return NO_RECOVERY;
	return rs_do_gethostbyname(family, name, out, NULL);
}

static int dns_gethostbyaddr(const nvlist_t *limits, const nvlist_t *in, nvlist_t *out)
{
	const void *addr;
	size_t len;
	int family;

	if (!rs_ghba_args(in, &family, &addr, &len))
		return EINVAL;
	if (!dns_addr2name(limits) || !dns_family_allowed(limits, family))
		return NO_RECOVERY;
	return rs_do_gethostbyaddr(family, addr, len, out);
}

static int dns_getaddrinfo(const nvlist_t *limits, const nvlist_t *in, nvlist_t *out)
{
	struct rs_gai r;

	if (!rs_gai_args(in, &r))
		return EINVAL;
	if (!dns_name2addr(limits))
		return EAI_FAIL;
	if (r.hints.ai_family != AF_UNSPEC && !dns_family_allowed(limits, r.hints.ai_family))
		return EAI_FAMILY;
	return rs_do_getaddrinfo(&r, out, dns_keep, limits, NULL);
}

static int dns_getnameinfo(const nvlist_t *limits, const nvlist_t *in, nvlist_t *out)
{
	struct rs_gni r;
	int err = rs_gni_args(in, &r);

	if (err == EINVAL)
		return EINVAL;
	if (!dns_addr2name(limits))
		return EAI_FAIL;
	if (err != 0)
		return err;
	if (!dns_family_allowed(limits, r.ss.ss_family))
		return EAI_FAMILY;
	return rs_do_getnameinfo(&r, out);
}

static int dns_command(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	if (strcmp(cmd, "gethostbyname") == 0)
		return dns_gethostbyname(limits, nvlin, nvlout);
	if (strcmp(cmd, "gethostbyaddr") == 0)
		return dns_gethostbyaddr(limits, nvlin, nvlout);
	if (strcmp(cmd, "getaddrinfo") == 0)
		return dns_getaddrinfo(limits, nvlin, nvlout);
	if (strcmp(cmd, "getnameinfo") == 0)
		return dns_getnameinfo(limits, nvlin, nvlout);
	return EINVAL;
}

/*
 * What the resolver reads: the configuration and hosts files, the C
 * library's name service modules, and resolv.conf's usual targets under
 * /run; the network for DNS.  The confinement does not depend on the
 * limits, so it is set once (a Landlock layer per call would run out).
 */
static int dns_confine(const nvlist_t *limits)
{
	if (limits != NULL)
		return 0;
	return confine_name_service("/run", 1);
}

CREATE_SERVICE_CONFINED("system.dns", dns_limit, dns_command, dns_confine, 0)
