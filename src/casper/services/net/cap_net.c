/*
 * system.net: bind(2), connect(2) and host name and address lookups for
 * a program in capability mode, as FreeBSD 13's libcap_net.  The lookups
 * are resolver.h's requests, shared with system.dns.  bind and connect
 * send the socket itself (SCM_RIGHTS); the service binds or connects it,
 * which the program's copy sees, being the same socket.
 *
 * Limits (cap_net_limit_init() ... cap_net_limit()):
 *   mode       number, CAPNET_* bits: what may be called at all
 *   bind       nvlist of binary socket addresses cap_bind() may use
 *   connect    likewise for cap_connect() (with CAPNET_CONNECT)
 *   addr2name  nvlist: "family" (nvlist of numbers), "sockaddr" (nvlist of
 *              binary AF_INET/AF_INET6 addresses) for getnameinfo and
 *              gethostbyaddr; ports are not compared
 *   name2addr  nvlist: "family", "hosts" (nvlist of nvlists with optional
 *              strings "host" and "serv", absent = any) for getaddrinfo
 *              and gethostbyname
 * A missing list allows everything; an empty one nothing.  Socket
 * addresses compare by family, address and port (AF_INET6 also scope);
 * AF_UNIX ones by path (abstract names byte for byte).  CAPNET_CONNECTDNS
 * allows connecting to what this service process has handed out: a
 * getaddrinfo result (address and port) or a gethostbyname address (any
 * port).  A new set of limits may only narrow: its mode a subset, each of
 * its lists covered by the old one, no list dropped that a mode bit kept
 * needs.  A refusal is ENOTCAPABLE, in errno, in h_errno, or as the
 * getaddrinfo/getnameinfo result, as on FreeBSD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <casper/cap_net.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "../dns/resolver.h"
#include "../common/confine.h"

#define API RS_API

#define NET_MODES 0x7full
#define NET_CACHE 1024 /* addresses remembered for CAPNET_CONNECTDNS */
#define A2N_MODES (CAPNET_ADDR2NAME | CAPNET_DEPRECATED_ADDR2NAME)
#define N2A_MODES (CAPNET_NAME2ADDR | CAPNET_DEPRECATED_NAME2ADDR)

/* ---- the client ---- */

static struct rs_hoststore hoststore;

API struct hostent *cap_gethostbyname(cap_channel_t *chan, const char *name)
{
	return rs_gethostbyname2(chan, name, AF_INET, &hoststore);
}

API struct hostent *cap_gethostbyname2(cap_channel_t *chan, const char *name, int af)
{
	return rs_gethostbyname2(chan, name, af, &hoststore);
}

API struct hostent *cap_gethostbyaddr(cap_channel_t *chan, const void *addr, socklen_t len, int af)
{
	return rs_gethostbyaddr(chan, addr, len, af, &hoststore);
}

API int cap_getaddrinfo(cap_channel_t *chan, const char *hostname, const char *servname,
                        const struct addrinfo *hints, struct addrinfo **res)
{
	return rs_getaddrinfo(chan, hostname, servname, hints, res);
}

API int cap_getnameinfo(cap_channel_t *chan, const struct sockaddr *sa, socklen_t salen, char *host,
                        size_t hostlen, char *serv, size_t servlen, int flags)
{
	return rs_getnameinfo(chan, sa, salen, host, hostlen, serv, servlen, flags);
}

/*
 * Whether s carries limits of its own (rights, ioctls, fcntls).  Such a
 * descriptor travels in SCM_RIGHTS as a ticket that only a supervised
 * receiver can trade for it, and the service has no supervisor: it would
 * receive an empty memfd.  -1 with errno when s is not open.
 */
static int net_restricted(int s)
{
	cap_rights_t rights, all;
	uint32_t fcntls;

	if (cap_rights_get(s, &rights) != 0)
		return -1;
	CAP_ALL(&all);
	return !cap_rights_contains(&rights, &all) ||
	       cap_ioctls_get(s, NULL, 0) != CAP_IOCTLS_ALL ||
	       (cap_fcntls_get(s, &fcntls) == 0 && fcntls != CAP_FCNTL_ALL);
}

/*
 * Sends s to be bound or connected to sa by the service.  A restricted
 * socket is refused with ENOTCAPABLE: as on FreeBSD when it lacks
 * CAP_BIND or CAP_CONNECT, always here (see net_restricted()).
 */
static int net_sock_call(cap_channel_t *chan, const char *cmd, int s, const struct sockaddr *sa,
                         socklen_t len)
{
	nvlist_t *req, *reply;
	int err;

	if ((err = net_restricted(s)) != 0) {
		if (err > 0)
			errno = ENOTCAPABLE;
		return -1;
	}
	if (sa == NULL) {
		errno = EFAULT;
		return -1;
	}
	req = nvlist_create(0);
	nvlist_add_string(req, "cmd", cmd);
	nvlist_add_descriptor(req, "s", s);
	nvlist_add_binary(req, "saddr", sa, len);
	if ((reply = cap_xfer_nvlist(chan, req)) == NULL)
		return -1;
	err = (int)nvlist_get_number(reply, "error");
	nvlist_destroy(reply);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

API int cap_bind(cap_channel_t *chan, int s, const struct sockaddr *addr, socklen_t addrlen)
{
	return net_sock_call(chan, "bind", s, addr, addrlen);
}

API int cap_connect(cap_channel_t *chan, int s, const struct sockaddr *name, socklen_t namelen)
{
	return net_sock_call(chan, "connect", s, name, namelen);
}

enum { L_BIND, L_CONNECT, L_A2N_FAMILY, L_A2N_SOCKADDR, L_N2A_FAMILY, L_N2A_HOSTS, L_COUNT };

struct cap_net_limit {
	cap_channel_t *chan;
	uint64_t mode;
	nvlist_t *lists[L_COUNT]; /* NULL until something is added */
	size_t seq;               /* names the entries */
};

API cap_net_limit_t *cap_net_limit_init(cap_channel_t *chan, uint64_t mode)
{
	cap_net_limit_t *limit = calloc(1, sizeof(*limit));

	if (limit != NULL) {
		limit->chan = chan;
		limit->mode = mode;
	}
	return limit;
}

API void cap_net_free(cap_net_limit_t *limit)
{
	if (limit == NULL)
		return;
	for (int i = 0; i < L_COUNT; i++)
		nvlist_destroy(limit->lists[i]);
	free(limit);
}

/* The list to add to, and the next entry's name in key. */
static nvlist_t *net_list(cap_net_limit_t *limit, int which, char *key, size_t keysize)
{
	if (limit->lists[which] == NULL)
		limit->lists[which] = nvlist_create(0);
	snprintf(key, keysize, "%zu", limit->seq++);
	return limit->lists[which];
}

static cap_net_limit_t *net_add_families(cap_net_limit_t *limit, int which, const int *family,
                                         size_t size)
{
	char key[32];

	if (limit == NULL)
		return NULL;
	for (size_t i = 0; i < size; i++) {
		nvlist_t *l = net_list(limit, which, key, sizeof(key));

		rs_add_int(l, key, family[i]);
	}
	return limit;
}

static cap_net_limit_t *net_add_sockaddr(cap_net_limit_t *limit, int which,
                                         const struct sockaddr *sa, socklen_t salen)
{
	char key[32];
	nvlist_t *l;

	if (limit == NULL)
		return NULL;
	l = net_list(limit, which, key, sizeof(key));
	if (sa != NULL)
		nvlist_add_binary(l, key, sa, salen);
	else
		nvlist_add_null(l, key); /* refused by the service: EINVAL */
	return limit;
}

API cap_net_limit_t *cap_net_limit_addr2name_family(cap_net_limit_t *limit, int *family,
                                                    size_t size)
{
	return net_add_families(limit, L_A2N_FAMILY, family, size);
}

API cap_net_limit_t *cap_net_limit_addr2name(cap_net_limit_t *limit, const struct sockaddr *sa,
                                             socklen_t salen)
{
	return net_add_sockaddr(limit, L_A2N_SOCKADDR, sa, salen);
}

API cap_net_limit_t *cap_net_limit_name2addr_family(cap_net_limit_t *limit, int *family,
                                                    size_t size)
{
	return net_add_families(limit, L_N2A_FAMILY, family, size);
}

/* A NULL (or, for serv, empty) name or service allows any. */
API cap_net_limit_t *cap_net_limit_name2addr(cap_net_limit_t *limit, const char *name,
                                             const char *serv)
{
	nvlist_t *entry;
	char key[32];

	if (limit == NULL)
		return NULL;
	entry = nvlist_create(0);
	if (name != NULL)
		nvlist_add_string(entry, "host", name);
	if (serv != NULL && serv[0] != '\0')
		nvlist_add_string(entry, "serv", serv);
	nvlist_move_nvlist(net_list(limit, L_N2A_HOSTS, key, sizeof(key)), key, entry);
	return limit;
}

API cap_net_limit_t *cap_net_limit_connect(cap_net_limit_t *limit, const struct sockaddr *sa,
                                           socklen_t salen)
{
	return net_add_sockaddr(limit, L_CONNECT, sa, salen);
}

API cap_net_limit_t *cap_net_limit_bind(cap_net_limit_t *limit, const struct sockaddr *sa,
                                        socklen_t salen)
{
	return net_add_sockaddr(limit, L_BIND, sa, salen);
}

/* Moves lists a and b (either may be NULL) into a new group, or NULL when both are. */
static nvlist_t *net_group(cap_net_limit_t *limit, int a, int b, const char *bname)
{
	nvlist_t *group;

	if (limit->lists[a] == NULL && limit->lists[b] == NULL)
		return NULL;
	group = nvlist_create(0);
	if (limit->lists[a] != NULL)
		nvlist_move_nvlist(group, "family", limit->lists[a]);
	if (limit->lists[b] != NULL)
		nvlist_move_nvlist(group, bname, limit->lists[b]);
	limit->lists[a] = limit->lists[b] = NULL;
	return group;
}

API int cap_net_limit(cap_net_limit_t *limit)
{
	cap_channel_t *chan;
	nvlist_t *lim, *group;

	if (limit == NULL) {
		errno = EINVAL;
		return -1;
	}
	lim = nvlist_create(0);
	nvlist_add_number(lim, "mode", limit->mode);
	if (limit->lists[L_BIND] != NULL)
		nvlist_move_nvlist(lim, "bind", limit->lists[L_BIND]);
	if (limit->lists[L_CONNECT] != NULL)
		nvlist_move_nvlist(lim, "connect", limit->lists[L_CONNECT]);
	limit->lists[L_BIND] = limit->lists[L_CONNECT] = NULL;
	if ((group = net_group(limit, L_A2N_FAMILY, L_A2N_SOCKADDR, "sockaddr")) != NULL)
		nvlist_move_nvlist(lim, "addr2name", group);
	if ((group = net_group(limit, L_N2A_FAMILY, L_N2A_HOSTS, "hosts")) != NULL)
		nvlist_move_nvlist(lim, "name2addr", group);
	chan = limit->chan;
	free(limit);
	return cap_limit_set(chan, lim);
}

/* ---- the service ---- */

/* Kinds of list entries. */
enum net_kind { NK_FAMILY, NK_SOCKADDR, NK_ADDRESS, NK_HOST };

struct net_item {
	int family;              /* NK_FAMILY */
	const void *sa;          /* NK_SOCKADDR, NK_ADDRESS */
	size_t salen;            /* NK_SOCKADDR, NK_ADDRESS */
	const char *host, *serv; /* NK_HOST: NULL = any */
};

static bool un_same(const struct sockaddr_un *x, size_t xlen, const struct sockaddr_un *y,
                    size_t ylen)
{
	size_t off = offsetof(struct sockaddr_un, sun_path), xn = xlen - off, yn = ylen - off;

	if (xn == 0 || yn == 0 || x->sun_path[0] == '\0' || y->sun_path[0] == '\0')
		return xn == yn && memcmp(x->sun_path, y->sun_path, xn) == 0;
	xn = strnlen(x->sun_path, xn);
	yn = strnlen(y->sun_path, yn);
	return xn == yn && memcmp(x->sun_path, y->sun_path, xn) == 0;
}

/* Whether two socket addresses are the same (ports compared when ports). */
static bool sa_same(const void *a, size_t alen, const void *b, size_t blen, bool ports)
{
	struct sockaddr_storage x = {0}, y = {0};
	const struct sockaddr_in *x4 = (void *)&x, *y4 = (void *)&y;
	const struct sockaddr_in6 *x6 = (void *)&x, *y6 = (void *)&y;

	if (alen < sizeof(sa_family_t) || blen < sizeof(sa_family_t) || alen > sizeof(x) ||
	    blen > sizeof(y))
		return false;
	memcpy(&x, a, alen);
	memcpy(&y, b, blen);
	if (x.ss_family != y.ss_family)
		return false;
	switch (x.ss_family) {
	case AF_INET:
		return alen == sizeof(*x4) && blen == sizeof(*y4) &&
		       x4->sin_addr.s_addr == y4->sin_addr.s_addr &&
		       (!ports || x4->sin_port == y4->sin_port);
	case AF_INET6:
		return alen == sizeof(*x6) && blen == sizeof(*y6) &&
		       memcmp(&x6->sin6_addr, &y6->sin6_addr, sizeof(x6->sin6_addr)) == 0 &&
		       x6->sin6_scope_id == y6->sin6_scope_id &&
		       (!ports || x6->sin6_port == y6->sin6_port);
	case AF_UNIX:
		return alen >= offsetof(struct sockaddr_un, sun_path) &&
		       blen >= offsetof(struct sockaddr_un, sun_path) &&
		       alen <= sizeof(struct sockaddr_un) && blen <= sizeof(struct sockaddr_un) &&
		       un_same((void *)&x, alen, (void *)&y, blen);
	default:
		return false;
	}
}

static bool str_covers(const char *limit, const char *s)
{
	return limit == NULL || (s != NULL && strcmp(limit, s) == 0);
}

/* The entry called name of list l (already checked) as an item. */
static void net_item_of(const nvlist_t *l, const char *name, enum net_kind kind,
                        struct net_item *it)
{
	const nvlist_t *h;

	memset(it, 0, sizeof(*it));
	if (kind == NK_FAMILY) {
		it->family = (int)(int64_t)nvlist_get_number(l, name);
	} else if (kind == NK_HOST) {
		h = nvlist_get_nvlist(l, name);
		it->host = nvlist_exists_string(h, "host") ? nvlist_get_string(h, "host") : NULL;
		it->serv = nvlist_exists_string(h, "serv") ? nvlist_get_string(h, "serv") : NULL;
	} else {
		it->sa = nvlist_get_binary(l, name, &it->salen);
	}
}

static bool net_covers(const struct net_item *e, const struct net_item *it, enum net_kind kind)
{
	switch (kind) {
	case NK_FAMILY:
		return e->family == it->family;
	case NK_SOCKADDR:
		return sa_same(e->sa, e->salen, it->sa, it->salen, true);
	case NK_ADDRESS:
		return sa_same(e->sa, e->salen, it->sa, it->salen, false);
	case NK_HOST:
		return str_covers(e->host, it->host) && str_covers(e->serv, it->serv);
	}
	return false;
}

/* Whether list l (NULL: no limit) has an entry covering it. */
static bool net_allows(const nvlist_t *l, enum net_kind kind, const struct net_item *it)
{
	struct net_item e;
	const char *name;
	void *cookie = NULL;
	int type;

	if (l == NULL)
		return true;
	while ((name = nvlist_next(l, &type, &cookie)) != NULL) {
		net_item_of(l, name, kind, &e);
		if (net_covers(&e, it, kind))
			return true;
	}
	return false;
}

/* Whether newl allows no more than oldl; dropping a list widens. */
static bool net_narrows(const nvlist_t *oldl, const nvlist_t *newl, enum net_kind kind)
{
	struct net_item it;
	const char *name;
	void *cookie = NULL;
	int type;

	if (oldl == NULL)
		return true;
	if (newl == NULL)
		return false;
	while ((name = nvlist_next(newl, &type, &cookie)) != NULL) {
		net_item_of(newl, name, kind, &it);
		if (!net_allows(oldl, kind, &it))
			return false;
	}
	return true;
}

/* The nvlist called name in l (both may be missing), or NULL. */
static const nvlist_t *net_sub(const nvlist_t *l, const char *name)
{
	return l != NULL && nvlist_exists_nvlist(l, name) ? nvlist_get_nvlist(l, name) : NULL;
}

static const nvlist_t *net_sub2(const nvlist_t *l, const char *group, const char *name)
{
	return net_sub(net_sub(l, group), name);
}

static bool net_sa_valid(const void *data, size_t size, bool unix_ok)
{
	struct sockaddr_storage ss = {0};

	if (size < sizeof(sa_family_t) || size > sizeof(ss))
		return false;
	memcpy(&ss, data, size);
	if (ss.ss_family == AF_UNIX)
		return unix_ok && size >= offsetof(struct sockaddr_un, sun_path) &&
		       size <= sizeof(struct sockaddr_un);
	return size == rs_sockaddr_size(ss.ss_family);
}

static bool net_entry_valid(const nvlist_t *l, const char *name, int type, enum net_kind kind)
{
	const nvlist_t *h;
	const void *data;
	const char *key;
	void *cookie = NULL;
	size_t size;
	int family, t;

	switch (kind) {
	case NK_FAMILY:
		return type == NV_TYPE_NUMBER && rs_get_int(l, name, &family);
	case NK_SOCKADDR:
	case NK_ADDRESS:
		if (type != NV_TYPE_BINARY)
			return false;
		data = nvlist_get_binary(l, name, &size);
		return net_sa_valid(data, size, kind == NK_SOCKADDR);
	case NK_HOST:
		if (type != NV_TYPE_NVLIST)
			return false;
		h = nvlist_get_nvlist(l, name);
		while ((key = nvlist_next(h, &t, &cookie)) != NULL)
			if (t != NV_TYPE_STRING ||
			    (strcmp(key, "host") != 0 && strcmp(key, "serv") != 0))
				return false;
		return true;
	}
	return false;
}

/* Whether the entry called name of l is an nvlist whose entries are all of kind. */
static bool net_list_valid(const nvlist_t *l, const char *name, int type, enum net_kind kind)
{
	const nvlist_t *sub;
	const char *key;
	void *cookie = NULL;
	int t;

	if (type != NV_TYPE_NVLIST)
		return false;
	sub = nvlist_get_nvlist(l, name);
	while ((key = nvlist_next(sub, &t, &cookie)) != NULL)
		if (!net_entry_valid(sub, key, t, kind))
			return false;
	return true;
}

/* addr2name or name2addr: "family" and the list called second, nothing else. */
static bool net_group_valid(const nvlist_t *l, const char *name, int type, const char *second,
                            enum net_kind kind)
{
	const nvlist_t *group;
	const char *key;
	void *cookie = NULL;
	int t;

	if (type != NV_TYPE_NVLIST)
		return false;
	group = nvlist_get_nvlist(l, name);
	while ((key = nvlist_next(group, &t, &cookie)) != NULL) {
		if (strcmp(key, "family") == 0 ? !net_list_valid(group, key, t, NK_FAMILY)
		    : strcmp(key, second) == 0 ? !net_list_valid(group, key, t, kind)
		                               : true)
			return false;
	}
	return true;
}

static int net_check(const nvlist_t *limits)
{
	const char *name;
	void *cookie = NULL;
	int type;
	bool ok;

	if (!nvlist_exists_number(limits, "mode") ||
	    (nvlist_get_number(limits, "mode") & ~NET_MODES) != 0)
		return EINVAL;
	while ((name = nvlist_next(limits, &type, &cookie)) != NULL) {
		if (strcmp(name, "mode") == 0)
			ok = type == NV_TYPE_NUMBER;
		else if (strcmp(name, "bind") == 0 || strcmp(name, "connect") == 0)
			ok = net_list_valid(limits, name, type, NK_SOCKADDR);
		else if (strcmp(name, "addr2name") == 0)
			ok = net_group_valid(limits, name, type, "sockaddr", NK_ADDRESS);
		else if (strcmp(name, "name2addr") == 0)
			ok = net_group_valid(limits, name, type, "hosts", NK_HOST);
		else
			ok = false;
		if (!ok)
			return EINVAL;
	}
	return 0;
}

static int net_limit(const nvlist_t *oldlimits, const nvlist_t *newlimits)
{
	uint64_t oldmode, newmode;
	int err;

	if ((err = net_check(newlimits)) != 0 || oldlimits == NULL)
		return err;
	oldmode = nvlist_get_number(oldlimits, "mode");
	newmode = nvlist_get_number(newlimits, "mode");
	if ((newmode & ~oldmode) != 0)
		return ENOTCAPABLE;
	if ((newmode & CAPNET_BIND) &&
	    !net_narrows(net_sub(oldlimits, "bind"), net_sub(newlimits, "bind"), NK_SOCKADDR))
		return ENOTCAPABLE;
	if ((newmode & CAPNET_CONNECT) &&
	    !net_narrows(net_sub(oldlimits, "connect"), net_sub(newlimits, "connect"), NK_SOCKADDR))
		return ENOTCAPABLE;
	if ((newmode & A2N_MODES) &&
	    (!net_narrows(net_sub2(oldlimits, "addr2name", "family"),
	                  net_sub2(newlimits, "addr2name", "family"), NK_FAMILY) ||
	     !net_narrows(net_sub2(oldlimits, "addr2name", "sockaddr"),
	                  net_sub2(newlimits, "addr2name", "sockaddr"), NK_ADDRESS)))
		return ENOTCAPABLE;
	if ((newmode & N2A_MODES) &&
	    (!net_narrows(net_sub2(oldlimits, "name2addr", "family"),
	                  net_sub2(newlimits, "name2addr", "family"), NK_FAMILY) ||
	     !net_narrows(net_sub2(oldlimits, "name2addr", "hosts"),
	                  net_sub2(newlimits, "name2addr", "hosts"), NK_HOST)))
		return ENOTCAPABLE;
	return 0;
}

static bool net_mode(const nvlist_t *limits, uint64_t bits)
{
	return limits == NULL || (nvlist_get_number(limits, "mode") & bits) != 0;
}

static bool net_family_allowed(const nvlist_t *limits, const char *group, int family)
{
	struct net_item it = {.family = family};

	return net_allows(net_sub2(limits, group, "family"), NK_FAMILY, &it);
}

static bool net_keep(int family, const void *limits)
{
	return net_family_allowed(limits, "name2addr", family);
}

/* What this process handed out, for CAPNET_CONNECTDNS. */
static struct {
	struct sockaddr_storage ss;
	socklen_t len;
	bool anyport;
} cache[NET_CACHE];
static size_t ncache, cachenext;

static void net_seen(const struct sockaddr *sa, socklen_t len, bool anyport)
{
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].anyport == anyport &&
		    sa_same(&cache[i].ss, cache[i].len, sa, len, true))
			return;
	memcpy(&cache[cachenext].ss, sa, len);
	cache[cachenext].len = len;
	cache[cachenext].anyport = anyport;
	cachenext = (cachenext + 1) % NET_CACHE;
	if (ncache < NET_CACHE)
		ncache++;
}

static bool net_cached(const void *sa, size_t len)
{
	for (size_t i = 0; i < ncache; i++)
		if (sa_same(&cache[i].ss, cache[i].len, sa, len, !cache[i].anyport))
			return true;
	return false;
}

static bool net_sock_allowed(const nvlist_t *limits, bool connecting, const void *sa, size_t len)
{
	struct net_item it = {.sa = sa, .salen = len};

	if (!connecting)
		return net_mode(limits, CAPNET_BIND) &&
		       net_allows(net_sub(limits, "bind"), NK_SOCKADDR, &it);
	if (net_mode(limits, CAPNET_CONNECT) &&
	    net_allows(net_sub(limits, "connect"), NK_SOCKADDR, &it))
		return true;
	return limits != NULL && net_mode(limits, CAPNET_CONNECTDNS) && net_cached(sa, len);
}

static int net_sock(const nvlist_t *limits, const nvlist_t *in, bool connecting)
{
	struct sockaddr_storage ss = {0};
	const void *data;
	struct stat st;
	size_t len;
	int s, r;

	if (!nvlist_exists_descriptor(in, "s") || !nvlist_exists_binary(in, "saddr"))
		return EINVAL;
	data = nvlist_get_binary(in, "saddr", &len);
	if (len < sizeof(sa_family_t) || len > sizeof(ss))
		return EINVAL;
	memcpy(&ss, data, len);
	if (!net_sock_allowed(limits, connecting, &ss, len))
		return ENOTCAPABLE;
	s = nvlist_get_descriptor(in, "s");
	if (fstat(s, &st) != 0)
		return errno;
	if (!S_ISSOCK(st.st_mode))
		return ENOTSOCK;
	r = connecting ? connect(s, (struct sockaddr *)&ss, (socklen_t)len)
	               : bind(s, (struct sockaddr *)&ss, (socklen_t)len);
	return r == 0 ? 0 : errno;
}

static int net_gethostbyname(const nvlist_t *limits, const nvlist_t *in, nvlist_t *out)
{
	struct net_item it = {0};
	const char *name;
	int family;

	if (!rs_ghbn_args(in, &family, &name))
		return EINVAL;
	it.host = name;
	if (!net_mode(limits, CAPNET_DEPRECATED_NAME2ADDR) ||
	    !net_family_allowed(limits, "name2addr", family) ||
	    !net_allows(net_sub2(limits, "name2addr", "hosts"), NK_HOST, &it))
		return ENOTCAPABLE;
	return rs_do_gethostbyname(family, name, out, net_seen);
}

/* The address a gethostbyaddr request names, as an item; false if it names none. */
static bool net_raw_item(int family, const void *addr, size_t len, struct sockaddr_storage *ss,
                         struct net_item *it)
{
	memset(ss, 0, sizeof(*ss));
	if (len != rs_addr_size(family))
		return false;
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET)
		memcpy(&((struct sockaddr_in *)ss)->sin_addr, addr, len);
	else
		memcpy(&((struct sockaddr_in6 *)ss)->sin6_addr, addr, len);
	it->sa = ss;
	it->salen = rs_sockaddr_size(family);
	return true;
}

static int net_gethostbyaddr(const nvlist_t *limits, const nvlist_t *in, nvlist_t *out)
{
	const nvlist_t *addrs = net_sub2(limits, "addr2name", "sockaddr");
	struct sockaddr_storage ss;
	struct net_item it = {0};
	const void *addr;
	size_t len;
	int family;

	if (!rs_ghba_args(in, &family, &addr, &len))
		return EINVAL;
	if (!net_mode(limits, CAPNET_DEPRECATED_ADDR2NAME) ||
	    !net_family_allowed(limits, "addr2name", family))
		return ENOTCAPABLE;
	if (addrs != NULL &&
	    (!net_raw_item(family, addr, len, &ss, &it) || !net_allows(addrs, NK_ADDRESS, &it)))
		return ENOTCAPABLE;
	return rs_do_gethostbyaddr(family, addr, len, out);
}

static int net_getaddrinfo(const nvlist_t *limits, const nvlist_t *in, nvlist_t *out)
{
	struct net_item it = {0};
	struct rs_gai r;

	if (!rs_gai_args(in, &r))
		return EINVAL;
	it.host = r.hostname;
	it.serv = r.servname;
	if (!net_mode(limits, CAPNET_NAME2ADDR) ||
	    (r.hints.ai_family != AF_UNSPEC &&
	     !net_family_allowed(limits, "name2addr", r.hints.ai_family)) ||
	    !net_allows(net_sub2(limits, "name2addr", "hosts"), NK_HOST, &it))
		return ENOTCAPABLE;
	return rs_do_getaddrinfo(&r, out, net_keep, limits, net_seen);
}

static int net_getnameinfo(const nvlist_t *limits, const nvlist_t *in, nvlist_t *out)
{
	struct net_item it = {0};
	struct rs_gni r;
	int err = rs_gni_args(in, &r);

	if (err == EINVAL)
		return EINVAL;
	if (!net_mode(limits, CAPNET_ADDR2NAME))
		return ENOTCAPABLE;
	if (err != 0)
		return err;
	it.sa = &r.ss;
	it.salen = r.salen;
	if (!net_family_allowed(limits, "addr2name", r.ss.ss_family) ||
	    !net_allows(net_sub2(limits, "addr2name", "sockaddr"), NK_ADDRESS, &it))
		return ENOTCAPABLE;
	return rs_do_getnameinfo(&r, out);
}

static int net_command(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	if (strcmp(cmd, "bind") == 0)
		return net_sock(limits, nvlin, false);
	if (strcmp(cmd, "connect") == 0)
		return net_sock(limits, nvlin, true);
	if (strcmp(cmd, "gethostbyname") == 0)
		return net_gethostbyname(limits, nvlin, nvlout);
	if (strcmp(cmd, "gethostbyaddr") == 0)
		return net_gethostbyaddr(limits, nvlin, nvlout);
	if (strcmp(cmd, "getaddrinfo") == 0)
		return net_getaddrinfo(limits, nvlin, nvlout);
	if (strcmp(cmd, "getnameinfo") == 0)
		return net_getnameinfo(limits, nvlin, nvlout);
	return EINVAL;
}

/*
 * As system.dns: read-only configuration, name service modules and
 * /run, set once; the network, for DNS and for the connections it makes.
 */
static int net_confine(const nvlist_t *limits)
{
	if (limits != NULL)
		return 0;
	return confine_name_service("/run", 1);
}

CREATE_SERVICE_CONFINED("system.net", net_limit, net_command, net_confine, 0)
