/*
 * The resolver half shared by system.dns (cap_dns.c) and system.net
 * (cap_net.c): both services answer the same four requests, so both
 * libraries build them and read the replies alike, and a program linked
 * with both may use either library's cap_getaddrinfo() on either channel.
 * The services differ only in what they allow, which they check before
 * calling the executors below.
 *
 * Requests (string "cmd" plus):
 *   gethostbyname  number family, string name
 *   gethostbyaddr  number family, binary addr
 *   getaddrinfo    strings hostname and servname (each optional), numbers
 *                  hints.ai_flags, hints.ai_family, hints.ai_socktype,
 *                  hints.ai_protocol (all four, or none: no hints)
 *   getnameinfo    binary sa, numbers hostlen, servlen, flags
 * The reply's "error" is the h_errno value (gethostby*) or the EAI_* value
 * (getaddrinfo, getnameinfo), an int carried sign-extended; with
 * NETDB_INTERNAL or EAI_SYSTEM the number "errno" goes along.  A hostent
 * travels as string name, numbers addrtype, length, naliases, naddrs,
 * strings alias<i>, binaries addr<i>; an addrinfo list as nvlists res<i>
 * (numbers ai_flags, ai_family, ai_socktype, ai_protocol, binary ai_addr,
 * optional string ai_canonname).
 *
 * Everything read from the peer is checked, on both sides: types, counts
 * (at most RS_MAX_ENTRIES), lengths and families.  Only AF_INET and
 * AF_INET6 addresses travel.
 */
#ifndef CASPER_SERVICES_RESOLVER_H
#define CASPER_SERVICES_RESOLVER_H

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libcasper.h>
#include <sys/nv.h>

#define RS_API         __attribute__((visibility("default")))
#define RS_MAX_ENTRIES 256  /* aliases, addresses, results */
#define RS_MAX_NAME    1024 /* longest host or service name looked up */

/* ---- both sides ---- */

static inline void rs_add_int(nvlist_t *nvl, const char *name, int value)
{
	nvlist_add_number(nvl, name, (uint64_t)(int64_t)value);
}

/* The int called name; false when absent, mistyped or out of range. */
static inline bool rs_get_int(const nvlist_t *nvl, const char *name, int *out)
{
	int64_t v;

	if (!nvlist_exists_number(nvl, name))
		return false;
	v = (int64_t)nvlist_get_number(nvl, name);
	if (v < INT_MIN || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

/* A count no larger than max. */
static inline bool rs_get_count(const nvlist_t *nvl, const char *name, size_t max, size_t *out)
{
	uint64_t v;

	if (!nvlist_exists_number(nvl, name) || (v = nvlist_get_number(nvl, name)) > max)
		return false;
	*out = (size_t)v;
	return true;
}

/* The size of an address of this family (in_addr, in6_addr), or 0. */
static inline size_t rs_addr_size(int family)
{
	return family == AF_INET    ? sizeof(struct in_addr)
	       : family == AF_INET6 ? sizeof(struct in6_addr)
	                            : 0;
}

/* The size of a socket address of this family, or 0. */
static inline size_t rs_sockaddr_size(int family)
{
	return family == AF_INET    ? sizeof(struct sockaddr_in)
	       : family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                            : 0;
}

/*
 * Copies the binary called name into ss when it is an AF_INET or
 * AF_INET6 socket address of exactly its family's size.
 */
static inline bool rs_get_sockaddr(const nvlist_t *nvl, const char *name,
                                   struct sockaddr_storage *ss, socklen_t *lenp)
{
	const void *data;
	size_t size;

	if (!nvlist_exists_binary(nvl, name))
		return false;
	data = nvlist_get_binary(nvl, name, &size);
	if (size < sizeof(sa_family_t) || size > sizeof(*ss))
		return false;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, data, size);
	*lenp = (socklen_t)size;
	return size == rs_sockaddr_size(ss->ss_family);
}

/* ---- the client side ---- */

/* A hostent and the one allocation that holds its contents. */
struct rs_hoststore {
	struct hostent h;
	void *mem;
};

/* The reply's "error", or fallback when it is not an int. */
static inline int rs_reply_error(const nvlist_t *reply, int fallback)
{
	int err;

	if (!rs_get_int(reply, "error", &err))
		return fallback;
	if (nvlist_exists_number(reply, "errno") && nvlist_get_number(reply, "errno") < 4096)
		errno = (int)nvlist_get_number(reply, "errno");
	return err;
}

/* Size of the strings of a reply list (name, alias0..n-1); 0 if one is missing. */
static inline size_t rs_strings_size(const nvlist_t *nvl, const char *prefix, size_t n)
{
	size_t total = 0;
	char key[32];

	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s%zu", prefix, i);
		if (!nvlist_exists_string(nvl, key))
			return 0;
		total += strlen(nvlist_get_string(nvl, key)) + 1;
	}
	return total + 1;
}

/* Copies s to *pos, returns the copy. */
static inline char *rs_place(char **pos, const char *s)
{
	char *copy = *pos;
	size_t len = strlen(s) + 1;

	memcpy(copy, s, len);
	*pos += len;
	return copy;
}

/*
 * Rebuilds st->h from a hostent reply (releasing what the previous one
 * held); NULL when the reply is malformed.
 */
static inline struct hostent *rs_unpack_hostent(const nvlist_t *nvl, struct rs_hoststore *st)
{
	size_t nal, nad, alen, strsize, total;
	int type, length;
	char key[32], **vec, *pos;
	void *mem;

	if (!nvlist_exists_string(nvl, "name") || !rs_get_int(nvl, "addrtype", &type) ||
	    !rs_get_int(nvl, "length", &length) ||
	    !rs_get_count(nvl, "naliases", RS_MAX_ENTRIES, &nal) ||
	    !rs_get_count(nvl, "naddrs", RS_MAX_ENTRIES, &nad))
		return NULL;
	if ((alen = rs_addr_size(type)) == 0 || (size_t)length != alen)
		return NULL;
	if ((strsize = rs_strings_size(nvl, "alias", nal)) == 0)
		return NULL;
	for (size_t i = 0; i < nad; i++) {
		size_t size;

		snprintf(key, sizeof(key), "addr%zu", i);
		if (!nvlist_exists_binary(nvl, key))
			return NULL;
		(void)nvlist_get_binary(nvl, key, &size);
		if (size != alen)
			return NULL;
	}
	strsize += strlen(nvlist_get_string(nvl, "name")) + 1;
	total = (nal + nad + 2) * sizeof(char *) + nad * alen + strsize;
	if ((mem = malloc(total)) == NULL)
		return NULL;
	vec = mem;
	pos = (char *)(vec + nal + nad + 2);
	st->h.h_aliases = vec;
	for (size_t i = 0; i < nal; i++) {
		snprintf(key, sizeof(key), "alias%zu", i);
		vec[i] = rs_place(&pos, nvlist_get_string(nvl, key));
	}
	vec[nal] = NULL;
	st->h.h_addr_list = vec + nal + 1;
	for (size_t i = 0; i < nad; i++) {
		size_t size;

		snprintf(key, sizeof(key), "addr%zu", i);
		st->h.h_addr_list[i] = memcpy(pos, nvlist_get_binary(nvl, key, &size), alen);
		pos += alen;
	}
	st->h.h_addr_list[nad] = NULL;
	st->h.h_name = rs_place(&pos, nvlist_get_string(nvl, "name"));
	st->h.h_addrtype = type;
	st->h.h_length = length;
	free(st->mem);
	st->mem = mem;
	return &st->h;
}

/* Sends a gethostby* request; the hostent, or NULL with h_errno set. */
static inline struct hostent *rs_hostent_call(cap_channel_t *chan, nvlist_t *req,
                                              struct rs_hoststore *st)
{
	nvlist_t *reply = cap_xfer_nvlist(chan, req);
	struct hostent *hp = NULL;
	int err;

	if (reply == NULL) {
		h_errno = NO_RECOVERY;
		return NULL;
	}
	err = rs_reply_error(reply, NO_RECOVERY);
	if (err == 0 && (hp = rs_unpack_hostent(reply, st)) == NULL)
		err = NO_RECOVERY;
	nvlist_destroy(reply);
	if (hp == NULL)
		h_errno = err;
	return hp;
}

static inline struct hostent *rs_gethostbyname2(cap_channel_t *chan, const char *name, int af,
                                                struct rs_hoststore *st)
{
	nvlist_t *req;

	if (name == NULL) {
		h_errno = HOST_NOT_FOUND;
		return NULL;
	}
	req = nvlist_create(0);
	nvlist_add_string(req, "cmd", "gethostbyname");
	rs_add_int(req, "family", af);
	nvlist_add_string(req, "name", name);
	return rs_hostent_call(chan, req, st);
}

static inline struct hostent *rs_gethostbyaddr(cap_channel_t *chan, const void *addr, socklen_t len,
                                               int af, struct rs_hoststore *st)
{
	nvlist_t *req;

	if (addr == NULL) {
		h_errno = NO_RECOVERY;
		return NULL;
	}
	req = nvlist_create(0);
	nvlist_add_string(req, "cmd", "gethostbyaddr");
	rs_add_int(req, "family", af);
	nvlist_add_binary(req, "addr", addr, len);
	return rs_hostent_call(chan, req, st);
}

/*
 * One result of a reply as an addrinfo laid out as the C library's
 * freeaddrinfo() expects (the address in the same allocation, the
 * canonical name in its own); NULL when malformed or out of memory.
 */
static inline struct addrinfo *rs_unpack_ai(const nvlist_t *r)
{
	struct addrinfo *ai, tmp = {0};
	struct sockaddr_storage ss;
	socklen_t len;

	if (!rs_get_int(r, "ai_flags", &tmp.ai_flags) ||
	    !rs_get_int(r, "ai_family", &tmp.ai_family) ||
	    !rs_get_int(r, "ai_socktype", &tmp.ai_socktype) ||
	    !rs_get_int(r, "ai_protocol", &tmp.ai_protocol) ||
	    !rs_get_sockaddr(r, "ai_addr", &ss, &len) || ss.ss_family != tmp.ai_family)
		return NULL;
	if (nvlist_exists(r, "ai_canonname") && !nvlist_exists_string(r, "ai_canonname"))
		return NULL;
	if ((ai = malloc(sizeof(*ai) + len)) == NULL)
		return NULL;
	*ai = tmp;
	ai->ai_addrlen = len;
	ai->ai_addr = memcpy(ai + 1, &ss, len);
	if (nvlist_exists_string(r, "ai_canonname") &&
	    (ai->ai_canonname = strdup(nvlist_get_string(r, "ai_canonname"))) == NULL) {
		free(ai);
		return NULL;
	}
	return ai;
}

/* The results res0, res1... of a reply; 0 or an EAI_* value. */
static inline int rs_unpack_addrinfo(const nvlist_t *reply, struct addrinfo **res)
{
	struct addrinfo *head = NULL, **tail = &head;
	char key[32];
	size_t i;

	for (i = 0; i < RS_MAX_ENTRIES; i++) {
		snprintf(key, sizeof(key), "res%zu", i);
		if (!nvlist_exists_nvlist(reply, key))
			break;
		if ((*tail = rs_unpack_ai(nvlist_get_nvlist(reply, key))) == NULL) {
			freeaddrinfo(head);
			return EAI_FAIL;
		}
		tail = &(*tail)->ai_next;
	}
	if (head == NULL)
		return EAI_FAIL;
	*res = head;
	return 0;
}

static inline int rs_getaddrinfo(cap_channel_t *chan, const char *hostname, const char *servname,
                                 const struct addrinfo *hints, struct addrinfo **res)
{
	nvlist_t *req = nvlist_create(0), *reply;
	int err;

	nvlist_add_string(req, "cmd", "getaddrinfo");
	if (hostname != NULL)
		nvlist_add_string(req, "hostname", hostname);
	if (servname != NULL)
		nvlist_add_string(req, "servname", servname);
	if (hints != NULL) {
		rs_add_int(req, "hints.ai_flags", hints->ai_flags);
		rs_add_int(req, "hints.ai_family", hints->ai_family);
		rs_add_int(req, "hints.ai_socktype", hints->ai_socktype);
		rs_add_int(req, "hints.ai_protocol", hints->ai_protocol);
	}
	if ((reply = cap_xfer_nvlist(chan, req)) == NULL)
		return EAI_MEMORY;
	err = rs_reply_error(reply, EAI_FAIL);
	if (err == 0)
		err = rs_unpack_addrinfo(reply, res);
	nvlist_destroy(reply);
	return err;
}

/* Copies the reply's string called name into buf (of size len). */
static inline int rs_copy_out(const nvlist_t *reply, const char *name, char *buf, size_t len)
{
	size_t n;

	if (buf == NULL || len == 0)
		return 0;
	if (!nvlist_exists_string(reply, name))
		return EAI_FAIL;
	if ((n = strlen(nvlist_get_string(reply, name))) >= len)
		return EAI_OVERFLOW;
	memcpy(buf, nvlist_get_string(reply, name), n + 1);
	return 0;
}

static inline int rs_getnameinfo(cap_channel_t *chan, const struct sockaddr *sa, socklen_t salen,
                                 char *host, size_t hostlen, char *serv, size_t servlen, int flags)
{
	nvlist_t *req, *reply;
	int err;

	if (sa == NULL)
		return EAI_FAMILY;
	if (host == NULL)
		hostlen = 0;
	if (serv == NULL)
		servlen = 0;
	req = nvlist_create(0);
	nvlist_add_string(req, "cmd", "getnameinfo");
	nvlist_add_binary(req, "sa", sa, salen);
	nvlist_add_number(req, "hostlen", (uint64_t)hostlen);
	nvlist_add_number(req, "servlen", (uint64_t)servlen);
	rs_add_int(req, "flags", flags);
	if ((reply = cap_xfer_nvlist(chan, req)) == NULL)
		return EAI_MEMORY;
	err = rs_reply_error(reply, EAI_FAIL);
	if (err == 0)
		err = rs_copy_out(reply, "host", host, hostlen);
	if (err == 0)
		err = rs_copy_out(reply, "serv", serv, servlen);
	nvlist_destroy(reply);
	return err;
}

/* ---- the service side ---- */

/* Called with each address a service hands out (system.net's cache). */
typedef void rs_seen_fn(const struct sockaddr *sa, socklen_t len, bool anyport);

/* A hostent lookup failed: its h_errno, never 0. */
static inline int rs_host_error(nvlist_t *out)
{
	int err = h_errno;

	if (err == NETDB_INTERNAL)
		nvlist_add_number(out, "errno", (uint64_t)errno);
	return err != 0 ? err : NO_RECOVERY;
}

static inline void rs_pack_hostent(const struct hostent *hp, nvlist_t *out, rs_seen_fn *seen)
{
	size_t alen = rs_addr_size(hp->h_addrtype), n;
	char key[32];

	nvlist_add_string(out, "name", hp->h_name != NULL ? hp->h_name : "");
	rs_add_int(out, "addrtype", hp->h_addrtype);
	rs_add_int(out, "length", hp->h_length);
	for (n = 0; hp->h_aliases != NULL && hp->h_aliases[n] != NULL && n < RS_MAX_ENTRIES; n++) {
		snprintf(key, sizeof(key), "alias%zu", n);
		nvlist_add_string(out, key, hp->h_aliases[n]);
	}
	nvlist_add_number(out, "naliases", n);
	for (n = 0; hp->h_addr_list[n] != NULL && n < RS_MAX_ENTRIES; n++) {
		snprintf(key, sizeof(key), "addr%zu", n);
		nvlist_add_binary(out, key, hp->h_addr_list[n], alen);
		if (seen != NULL) {
			struct sockaddr_storage ss = {0};

			ss.ss_family = (sa_family_t)hp->h_addrtype;
			if (hp->h_addrtype == AF_INET)
				memcpy(&((struct sockaddr_in *)&ss)->sin_addr, hp->h_addr_list[n],
				       alen);
			else
				memcpy(&((struct sockaddr_in6 *)&ss)->sin6_addr, hp->h_addr_list[n],
				       alen);
			seen((struct sockaddr *)&ss, (socklen_t)rs_sockaddr_size(hp->h_addrtype),
			     true);
		}
	}
	nvlist_add_number(out, "naddrs", n);
}

/* The family and name of a gethostbyname request; false if malformed. */
static inline bool rs_ghbn_args(const nvlist_t *in, int *family, const char **name)
{
	if (!rs_get_int(in, "family", family) || !nvlist_exists_string(in, "name"))
		return false;
	*name = nvlist_get_string(in, "name");
	return true;
}

static inline int rs_do_gethostbyname(int family, const char *name, nvlist_t *out, rs_seen_fn *seen)
{
	struct hostent *hp;

	if (strlen(name) > RS_MAX_NAME)
		return HOST_NOT_FOUND;
	h_errno = 0;
	if ((hp = gethostbyname2(name, family)) == NULL)
		return rs_host_error(out);
	if (rs_addr_size(hp->h_addrtype) == 0 ||
	    (size_t)hp->h_length != rs_addr_size(hp->h_addrtype))
		return NO_RECOVERY;
	rs_pack_hostent(hp, out, seen);
	return 0;
}

/* The family and address of a gethostbyaddr request; false if malformed. */
static inline bool rs_ghba_args(const nvlist_t *in, int *family, const void **addr, size_t *len)
{
	if (!rs_get_int(in, "family", family) || !nvlist_exists_binary(in, "addr"))
		return false;
	*addr = nvlist_get_binary(in, "addr", len);
	return true;
}

static inline int rs_do_gethostbyaddr(int family, const void *addr, size_t len, nvlist_t *out)
{
	struct hostent *hp;

	if (len > sizeof(struct in6_addr))
		return NO_RECOVERY;
	h_errno = 0;
	if ((hp = gethostbyaddr(addr, (socklen_t)len, family)) == NULL)
		return rs_host_error(out);
	if (rs_addr_size(hp->h_addrtype) == 0 ||
	    (size_t)hp->h_length != rs_addr_size(hp->h_addrtype))
		return NO_RECOVERY;
	rs_pack_hostent(hp, out, NULL);
	return 0;
}

/* A getaddrinfo request. */
struct rs_gai {
	const char *hostname, *servname; /* NULL when absent */
	struct addrinfo hints;
	bool has_hints;
};

/* Reads a getaddrinfo request; false if malformed. */
static inline bool rs_gai_args(const nvlist_t *in, struct rs_gai *r)
{
	static const char *const keys[] = {"hints.ai_flags", "hints.ai_family", "hints.ai_socktype",
	                                   "hints.ai_protocol"};
	int *fields[4];
	size_t nhints = 0;

	memset(r, 0, sizeof(*r));
	fields[0] = &r->hints.ai_flags;
	fields[1] = &r->hints.ai_family;
	fields[2] = &r->hints.ai_socktype;
	fields[3] = &r->hints.ai_protocol;
	for (size_t i = 0; i < 4; i++) {
		if (nvlist_exists(in, keys[i]) && !rs_get_int(in, keys[i], fields[i]))
			return false;
		nhints += nvlist_exists(in, keys[i]);
	}
	if (nhints != 0 && nhints != 4)
		return false;
	r->has_hints = nhints == 4;
	if (!r->has_hints)
		r->hints.ai_family = AF_UNSPEC;
	if (nvlist_exists(in, "hostname") && !nvlist_exists_string(in, "hostname"))
		return false;
	if (nvlist_exists(in, "servname") && !nvlist_exists_string(in, "servname"))
		return false;
	if (nvlist_exists_string(in, "hostname"))
		r->hostname = nvlist_get_string(in, "hostname");
	if (nvlist_exists_string(in, "servname"))
		r->servname = nvlist_get_string(in, "servname");
	return true;
}

/* Whether a result may go out (a family limit); NULL keeps them all. */
typedef bool rs_keep_fn(int family, const void *ctx);

/*
 * Looks up r and packs the results that keep() lets through; EAI_NONAME
 * when it drops them all.
 */
static inline int rs_do_getaddrinfo(const struct rs_gai *r, nvlist_t *out, rs_keep_fn *keep,
                                    const void *ctx, rs_seen_fn *seen)
{
	struct addrinfo *res, *ai;
	size_t n = 0;
	char key[32];
	int err;

	if ((r->hostname != NULL && strlen(r->hostname) > RS_MAX_NAME) ||
	    (r->servname != NULL && strlen(r->servname) > RS_MAX_NAME))
		return EAI_NONAME;
	errno = 0;
	err = getaddrinfo(r->hostname, r->servname, r->has_hints ? &r->hints : NULL, &res);
	if (err != 0) {
		if (err == EAI_SYSTEM)
			nvlist_add_number(out, "errno", (uint64_t)errno);
		return err;
	}
	for (ai = res; ai != NULL && n < RS_MAX_ENTRIES; ai = ai->ai_next) {
		nvlist_t *elem;

		if (ai->ai_addr == NULL || ai->ai_addrlen != rs_sockaddr_size(ai->ai_family) ||
		    (keep != NULL && !keep(ai->ai_family, ctx)))
			continue;
		elem = nvlist_create(0);
		rs_add_int(elem, "ai_flags", ai->ai_flags);
		rs_add_int(elem, "ai_family", ai->ai_family);
		rs_add_int(elem, "ai_socktype", ai->ai_socktype);
		rs_add_int(elem, "ai_protocol", ai->ai_protocol);
		nvlist_add_binary(elem, "ai_addr", ai->ai_addr, ai->ai_addrlen);
		if (ai->ai_canonname != NULL)
			nvlist_add_string(elem, "ai_canonname", ai->ai_canonname);
		snprintf(key, sizeof(key), "res%zu", n++);
		nvlist_move_nvlist(out, key, elem);
		if (seen != NULL)
			seen(ai->ai_addr, ai->ai_addrlen, false);
	}
	freeaddrinfo(res);
	return n == 0 ? EAI_NONAME : 0;
}

/* A getnameinfo request. */
struct rs_gni {
	struct sockaddr_storage ss;
	socklen_t salen;
	size_t hostlen, servlen;
	int flags;
};

/*
 * Reads a getnameinfo request: 0, EINVAL if malformed, EAI_FAMILY for a
 * socket address other than an AF_INET or AF_INET6 one of exact size.
 * Buffer lengths beyond NI_MAXHOST and NI_MAXSERV are cut to them.
 */
static inline int rs_gni_args(const nvlist_t *in, struct rs_gni *r)
{
	if (!nvlist_exists_binary(in, "sa") || !nvlist_exists_number(in, "hostlen") ||
	    !nvlist_exists_number(in, "servlen") || !rs_get_int(in, "flags", &r->flags))
		return EINVAL;
	r->hostlen = nvlist_get_number(in, "hostlen") > NI_MAXHOST
	                 ? NI_MAXHOST
	                 : (size_t)nvlist_get_number(in, "hostlen");
	r->servlen = nvlist_get_number(in, "servlen") > NI_MAXSERV
	                 ? NI_MAXSERV
	                 : (size_t)nvlist_get_number(in, "servlen");
	return rs_get_sockaddr(in, "sa", &r->ss, &r->salen) ? 0 : EAI_FAMILY;
}

static inline int rs_do_getnameinfo(const struct rs_gni *r, nvlist_t *out)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	int err;

	errno = 0;
	err = getnameinfo((const struct sockaddr *)&r->ss, r->salen, r->hostlen ? host : NULL,
	                  (socklen_t)r->hostlen, r->servlen ? serv : NULL, (socklen_t)r->servlen,
	                  r->flags);
	if (err == EAI_SYSTEM)
		nvlist_add_number(out, "errno", (uint64_t)errno);
	if (err != 0)
		return err;
	if (r->hostlen != 0)
		nvlist_add_string(out, "host", host);
	if (r->servlen != 0)
		nvlist_add_string(out, "serv", serv);
	return 0;
}

#endif
