/*
 * system.netdb: the protocols database (getprotobyname) for a program in
 * capability mode, as FreeBSD's libcap_netdb.  No limits: the service
 * registers no limit function, so every cap_limit_set() is refused.
 *
 * Request: string "cmd" "getprotobyname", string "name".  Reply: string
 * name, number proto, number naliases, strings alias<i>; "error" ENOENT
 * when there is no such protocol.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <casper/cap_netdb.h>
#include <libcasper_service.h>
#include <sys/nv.h>

#include "../common/confine.h"

#define API __attribute__((visibility("default")))

#define NETDB_MAX_ALIASES 256
#define NETDB_MAX_NAME    1024

/* ---- the client ---- */

static struct protoent protoent;
static void *protomem; /* holds protoent's strings and alias vector */

/* Size of the strings name, alias0..n-1 of a reply; 0 when one is missing. */
static size_t netdb_strings(const nvlist_t *nvl, size_t n)
{
	size_t total = strlen(nvlist_get_string(nvl, "name")) + 1;
	char key[32];

	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "alias%zu", i);
		if (!nvlist_exists_string(nvl, key))
			return 0;
		total += strlen(nvlist_get_string(nvl, key)) + 1;
	}
	return total;
}

static char *netdb_place(char **pos, const char *s)
{
	char *copy = *pos;
	size_t len = strlen(s) + 1;

	memcpy(copy, s, len);
	*pos += len;
	return copy;
}

/* Rebuilds protoent from a reply; NULL when the reply is malformed. */
static struct protoent *netdb_unpack(const nvlist_t *nvl)
{
	size_t n, strsize;
	int64_t proto;
	char key[32], **vec, *pos;
	void *mem;

	if (!nvlist_exists_string(nvl, "name") || !nvlist_exists_number(nvl, "proto") ||
	    !nvlist_exists_number(nvl, "naliases") ||
	    nvlist_get_number(nvl, "naliases") > NETDB_MAX_ALIASES)
		return NULL;
	proto = (int64_t)nvlist_get_number(nvl, "proto");
	n = (size_t)nvlist_get_number(nvl, "naliases");
	if (proto < 0 || proto > INT32_MAX || (strsize = netdb_strings(nvl, n)) == 0)
		return NULL;
	if ((mem = malloc((n + 1) * sizeof(char *) + strsize)) == NULL)
		return NULL;
	vec = mem;
	pos = (char *)(vec + n + 1);
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "alias%zu", i);
		vec[i] = netdb_place(&pos, nvlist_get_string(nvl, key));
	}
	vec[n] = NULL;
	protoent.p_name = netdb_place(&pos, nvlist_get_string(nvl, "name"));
	protoent.p_aliases = vec;
	protoent.p_proto = (int)proto;
	free(protomem);
	protomem = mem;
	return &protoent;
}

API struct protoent *cap_getprotobyname(cap_channel_t *chan, const char *name)
{
	struct protoent *pp = NULL;
	nvlist_t *req, *reply;
	int err;

	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	req = nvlist_create(0);
	nvlist_add_string(req, "cmd", "getprotobyname");
	nvlist_add_string(req, "name", name);
	if ((reply = cap_xfer_nvlist(chan, req)) == NULL)
		return NULL;
	err = (int)nvlist_get_number(reply, "error");
	if (err == 0 && (pp = netdb_unpack(reply)) == NULL)
		err = EPROTO;
	nvlist_destroy(reply);
	if (pp == NULL)
		errno = err;
	return pp;
}

/* ---- the service ---- */

static int netdb_command(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	struct protoent *pp;
	const char *name;
	char key[32];
	size_t n;

	(void)limits;
	if (strcmp(cmd, "getprotobyname") != 0 || !nvlist_exists_string(nvlin, "name"))
		return EINVAL;
	name = nvlist_get_string(nvlin, "name");
	if (strlen(name) > NETDB_MAX_NAME || (pp = getprotobyname(name)) == NULL)
		return ENOENT;
	nvlist_add_string(nvlout, "name", pp->p_name);
	nvlist_add_number(nvlout, "proto", (uint64_t)(uint32_t)pp->p_proto);
	for (n = 0; pp->p_aliases != NULL && pp->p_aliases[n] != NULL && n < NETDB_MAX_ALIASES;
	     n++) {
		snprintf(key, sizeof(key), "alias%zu", n);
		nvlist_add_string(nvlout, key, pp->p_aliases[n]);
	}
	nvlist_add_number(nvlout, "naliases", n);
	return 0;
}

/* The protocols file and the name service modules; no network. */
static int netdb_confine(const nvlist_t *limits)
{
	if (limits != NULL)
		return 0;
	return confine_name_service("/run", 0);
}

CREATE_SERVICE_CONFINED("system.netdb", NULL, netdb_command, netdb_confine, 0)
