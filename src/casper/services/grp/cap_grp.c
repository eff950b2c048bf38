/*
 * system.grp: the group database for a program in capability mode.
 *
 * The client half turns each cap_getgr*() call into a request and lays
 * the entry in the reply out in the caller's buffer (or, for the calls
 * without _r, in storage of this library, as the C library does).  The
 * service half answers from the C library's own lookups, within limits
 * on the commands, the fields and the groups: a field not allowed goes
 * out blank, a group not allowed is not found, an enumeration skips it.
 *
 * Replies: "error", and the nvlist "group" when an entry was found:
 * strings "gr_name" and "gr_passwd", number "gr_gid", and the members as
 * number "gr_nmem" with strings "gr_mem[0]" .. "gr_mem[n-1]".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcasper.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include <casper/cap_grp.h>
#include "../common/confine.h"
#include "../common/limits.h"
#include "../common/request.h"

#define GRP_API __attribute__((visibility("default")))

/* The service gives up on an entry that needs more than this. */
#define GR_BUF_MAX (64u << 20)

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const gr_fields[] = {"gr_name", "gr_passwd", "gr_gid", "gr_mem"};

static const char *const gr_cmds[] = {
    "getgrent",   "getgrnam",    "getgrgid", "getgrent_r", "getgrnam_r",
    "getgrgid_r", "setgroupent", "setgrent", "endgrent",
};

static bool known_field(const char *name)
{
	return limits_in_table(gr_fields, LEN(gr_fields), name);
}

static bool known_cmd(const char *name)
{
	return limits_in_table(gr_cmds, LEN(gr_cmds), name);
}

static const char *member(const nvlist_t *entry, size_t i)
{
	char key[40];

	snprintf(key, sizeof(key), "gr_mem[%zu]", i);
	return nvlist_exists_string(entry, key) ? nvlist_get_string(entry, key) : NULL;
}

/* The members of entry: -1 when it carries none (field not allowed). */
static long nmembers(const nvlist_t *entry)
{
	uint64_t n;
	long i = 0;

	if (!nvlist_exists_number(entry, "gr_nmem"))
		return -1;
	n = nvlist_get_number(entry, "gr_nmem");
	while ((uint64_t)i < n && member(entry, (size_t)i) != NULL)
		i++;
	return i;
}

static size_t str_size(const nvlist_t *entry, const char *name)
{
	return nvlist_exists_string(entry, name) ? strlen(nvlist_get_string(entry, name)) + 1 : 0;
}

/*
 * Bytes of the caller's buffer that entry takes, beyond the padding that
 * aligns the member pointers: the pointers, NULL-terminated, then the
 * strings.
 */
static size_t gr_size(const nvlist_t *entry)
{
	long n = nmembers(entry);
	size_t size = str_size(entry, "gr_name") + str_size(entry, "gr_passwd");

	if (n >= 0)
		size += ((size_t)n + 1) * sizeof(char *);
	for (long i = 0; i < n; i++)
		size += strlen(member(entry, (size_t)i)) + 1;
	return size;
}

/* ---- the client ---- */

static size_t align_pad(const char *buf)
{
	return (alignof(char *) - (uintptr_t)buf % alignof(char *)) % alignof(char *);
}

/* Of the size bytes at buf, those left once the pointers are aligned. */
static size_t usable(const char *buf, size_t size)
{
	return size > align_pad(buf) ? size - align_pad(buf) : 0;
}

static char *put(char **dst, const char *s)
{
	size_t len = strlen(s) + 1;
	char *at = *dst;

	memcpy(at, s, len);
	*dst += len;
	return at;
}

/* Fills grp from entry, in buf; absent fields are NULL or 0. */
static int gr_unpack(const nvlist_t *entry, struct group *grp, char *buf, size_t size)
{
	long n = nmembers(entry);
	char **mem, *s = buf;

	if (gr_size(entry) > usable(buf, size))
		return ERANGE;
	memset(grp, 0, sizeof(*grp));
	if (n >= 0) { /* then the buffer holds at least the final NULL */
		mem = (char **)(void *)(buf + align_pad(buf));
		s = (char *)(mem + n + 1);
		for (long i = 0; i < n; i++)
			mem[i] = put(&s, member(entry, (size_t)i));
		mem[n] = NULL;
		grp->gr_mem = mem;
	}
	if (nvlist_exists_string(entry, "gr_name"))
		grp->gr_name = put(&s, nvlist_get_string(entry, "gr_name"));
	if (nvlist_exists_string(entry, "gr_passwd"))
		grp->gr_passwd = put(&s, nvlist_get_string(entry, "gr_passwd"));
	if (nvlist_exists_number(entry, "gr_gid"))
		grp->gr_gid = (gid_t)nvlist_get_number(entry, "gr_gid");
	return 0;
}

static nvlist_t *gr_by_gid(const char *cmd, gid_t gid)
{
	nvlist_t *req = request_new(cmd);

	nvlist_add_number(req, "gid", (uint64_t)gid);
	return req;
}

static int getgr_r(cap_channel_t *chan, nvlist_t *req, struct group *grp, char *buf, size_t size,
                   struct group **result)
{
	nvlist_t *reply;
	int err;

	*result = NULL;
	if ((reply = request_xfer(chan, req, &err)) == NULL)
		return err;
	if (nvlist_exists_nvlist(reply, "group")) {
		err = gr_unpack(nvlist_get_nvlist(reply, "group"), grp, buf, size);
		if (err == 0)
			*result = grp;
	}
	nvlist_destroy(reply);
	return err;
}

/*
 * The calls without _r share one entry in storage of this library, as
 * FreeBSD's do; it grows to fit, so they never fail with ERANGE.
 */
static struct group *getgr_static(cap_channel_t *chan, nvlist_t *req)
{
	static struct group gr;
	static char *buf;
	static size_t bufsize;
	const nvlist_t *entry;
	nvlist_t *reply;
	int err, saved = errno;

	if ((reply = request_xfer(chan, req, &err)) == NULL) {
		errno = err;
		return NULL;
	}
	if (!nvlist_exists_nvlist(reply, "group")) {
		nvlist_destroy(reply);
		errno = saved; /* not found */
		return NULL;
	}
	entry = nvlist_get_nvlist(reply, "group");
	if (gr_size(entry) > bufsize) { /* malloc's memory is aligned: no padding */
		size_t want = gr_size(entry) < 1024 ? 1024 : gr_size(entry);
		char *nbuf = realloc(buf, want);

		if (nbuf == NULL) {
			nvlist_destroy(reply);
			errno = ENOMEM;
			return NULL;
		}
		buf = nbuf;
		bufsize = want;
	}
	(void)gr_unpack(entry, &gr, buf, bufsize);
	nvlist_destroy(reply);
	errno = saved;
	return &gr;
}

GRP_API struct group *cap_getgrent(cap_channel_t *chan)
{
	return getgr_static(chan, request_new("getgrent"));
}

GRP_API struct group *cap_getgrnam(cap_channel_t *chan, const char *name)
{
	return getgr_static(chan, request_by_name("getgrnam", name));
}

GRP_API struct group *cap_getgrgid(cap_channel_t *chan, gid_t gid)
{
	return getgr_static(chan, gr_by_gid("getgrgid", gid));
}

/*
 * The service learns the size of the buffer, so that an entry that does
 * not fit stays the next one (ERANGE), as with the C library.
 */
GRP_API int cap_getgrent_r(cap_channel_t *chan, struct group *grp, char *buffer, size_t bufsize,
                           struct group **result)
{
	nvlist_t *req = request_new("getgrent_r");

	nvlist_add_number(req, "bufsize", (uint64_t)usable(buffer, bufsize));
	return getgr_r(chan, req, grp, buffer, bufsize, result);
}

GRP_API int cap_getgrnam_r(cap_channel_t *chan, const char *name, struct group *grp, char *buffer,
                           size_t bufsize, struct group **result)
{
	return getgr_r(chan, request_by_name("getgrnam_r", name), grp, buffer, bufsize, result);
}

GRP_API int cap_getgrgid_r(cap_channel_t *chan, gid_t gid, struct group *grp, char *buffer,
                           size_t bufsize, struct group **result)
{
	return getgr_r(chan, gr_by_gid("getgrgid_r", gid), grp, buffer, bufsize, result);
}

GRP_API int cap_setgroupent(cap_channel_t *chan, int stayopen)
{
	nvlist_t *req = request_new("setgroupent");

	nvlist_add_bool(req, "stayopen", stayopen != 0);
	return request_simple(chan, req);
}

GRP_API int cap_setgrent(cap_channel_t *chan)
{
	return request_simple(chan, request_new("setgrent"));
}

GRP_API void cap_endgrent(cap_channel_t *chan)
{
	(void)request_simple(chan, request_new("endgrent"));
}

GRP_API int cap_grp_limit_cmds(cap_channel_t *chan, const char *const *cmds, size_t ncmds)
{
	return limits_replace_names(chan, "cmds", cmds, ncmds);
}

GRP_API int cap_grp_limit_fields(cap_channel_t *chan, const char *const *fields, size_t nfields)
{
	return limits_replace_names(chan, "fields", fields, nfields);
}

/* Groups by name ("name<i>", strings) and by id ("gid<i>", numbers). */
GRP_API int cap_grp_limit_groups(cap_channel_t *chan, const char *const *names, size_t nnames,
                                 const gid_t *gids, size_t ngids)
{
	nvlist_t *list = nvlist_create(0);
	char key[32];

	for (size_t i = 0; i < ngids; i++) {
		snprintf(key, sizeof(key), "gid%zu", i);
		nvlist_add_number(list, key, (uint64_t)gids[i]);
	}
	for (size_t i = 0; i < nnames; i++) {
		snprintf(key, sizeof(key), "name%zu", i);
		nvlist_add_string(list, key, names[i]);
	}
	return limits_replace(chan, "groups", list);
}

/* ---- the service: limits ---- */

static int grp_limit(const nvlist_t *oldlimits, const nvlist_t *newlimits)
{
	return limits_check(oldlimits, newlimits, known_cmd, known_field, "groups");
}

/* Is the group of full listed in "groups" (by gr_gid or gr_name), or are all allowed? */
static bool group_allowed(const nvlist_t *limits, const nvlist_t *full)
{
	return limits_entry_allowed(limits, "groups", full, "gr_gid", "gr_name");
}

/* ---- the service: lookups ---- */

enum how { BY_NAME, BY_GID, NEXT };

static void add_member(nvlist_t *nvl, size_t i, const char *name)
{
	char key[40];

	snprintf(key, sizeof(key), "gr_mem[%zu]", i);
	nvlist_add_string(nvl, key, name);
}

/* Every field of gr, unfiltered. */
static nvlist_t *gr_full(const struct group *gr)
{
	nvlist_t *nvl = nvlist_create(0);
	size_t n = 0;

	if (gr->gr_name != NULL)
		nvlist_add_string(nvl, "gr_name", gr->gr_name);
	if (gr->gr_passwd != NULL)
		nvlist_add_string(nvl, "gr_passwd", gr->gr_passwd);
	nvlist_add_number(nvl, "gr_gid", (uint64_t)gr->gr_gid);
	if (gr->gr_mem != NULL) {
		for (; gr->gr_mem[n] != NULL; n++)
			add_member(nvl, n, gr->gr_mem[n]);
		nvlist_add_number(nvl, "gr_nmem", (uint64_t)n);
	}
	if (nvlist_error(nvl) != 0) {
		nvlist_destroy(nvl);
		return NULL;
	}
	return nvl;
}

/* Looks an entry up with the C library; *fullp NULL when there is none. */
static int gr_lookup(enum how how, const char *name, gid_t gid, nvlist_t **fullp)
{
	struct group gr, *res = NULL;
	size_t size = 1024;
	char *buf = NULL, *nbuf;
	int err;

	*fullp = NULL;
	for (;;) {
		if ((nbuf = realloc(buf, size)) == NULL) {
			free(buf);
			return ENOMEM;
		}
		buf = nbuf;
		if (how == BY_NAME)
			err = getgrnam_r(name, &gr, buf, size, &res);
		else if (how == BY_GID)
			err = getgrgid_r(gid, &gr, buf, size, &res);
		else
			err = getgrent_r(&gr, buf, size, &res);
		if (err != ERANGE || size >= GR_BUF_MAX)
			break;
		size *= 2;
	}
	if (how == NEXT && err == ENOENT)
		err = 0; /* the end */
	if (err == 0 && res != NULL && (*fullp = gr_full(res)) == NULL)
		err = ENOMEM;
	free(buf);
	return err;
}

/* The fields of full that limits allow. */
static nvlist_t *gr_filter(const nvlist_t *limits, const nvlist_t *full)
{
	nvlist_t *nvl = nvlist_create(0);
	long n;

	if (limits_name_allowed(limits, "fields", "gr_name") &&
	    nvlist_exists_string(full, "gr_name"))
		nvlist_add_string(nvl, "gr_name", nvlist_get_string(full, "gr_name"));
	if (limits_name_allowed(limits, "fields", "gr_passwd") &&
	    nvlist_exists_string(full, "gr_passwd"))
		nvlist_add_string(nvl, "gr_passwd", nvlist_get_string(full, "gr_passwd"));
	if (limits_name_allowed(limits, "fields", "gr_gid") && nvlist_exists_number(full, "gr_gid"))
		nvlist_add_number(nvl, "gr_gid", nvlist_get_number(full, "gr_gid"));
	if (limits_name_allowed(limits, "fields", "gr_mem") && (n = nmembers(full)) >= 0) {
		for (long i = 0; i < n; i++)
			add_member(nvl, (size_t)i, member(full, (size_t)i));
		nvlist_add_number(nvl, "gr_nmem", (uint64_t)n);
	}
	return nvl;
}

/* Adds full, filtered, to the reply if the group is allowed; takes full. */
static int gr_reply(const nvlist_t *limits, nvlist_t *full, nvlist_t *nvlout)
{
	if (full != NULL && group_allowed(limits, full))
		nvlist_move_nvlist(nvlout, "group", gr_filter(limits, full));
	nvlist_destroy(full);
	return 0;
}

static int cmd_getgrnam(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	nvlist_t *full;
	int err;

	if (!nvlist_exists_string(nvlin, "name"))
		return EINVAL;
	if ((err = gr_lookup(BY_NAME, nvlist_get_string(nvlin, "name"), 0, &full)) != 0)
		return err;
	return gr_reply(limits, full, nvlout);
}

static int cmd_getgrgid(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	nvlist_t *full;
	uint64_t gid;
	int err;

	if (!nvlist_exists_number(nvlin, "gid"))
		return EINVAL;
	if ((gid = nvlist_get_number(nvlin, "gid")) > UINT32_MAX)
		return EINVAL;
	if ((err = gr_lookup(BY_GID, NULL, (gid_t)gid, &full)) != 0)
		return err;
	return gr_reply(limits, full, nvlout);
}

/*
 * The entry of a getgrent_r that did not fit the caller's buffer: the
 * next enumeration call returns it again, as the C library's does.  It
 * is kept unfiltered and filtered when it goes out, under the limits of
 * the connection that takes it.
 */
static nvlist_t *pending;

static void forget_pending(void)
{
	nvlist_destroy(pending);
	pending = NULL;
}

static int cmd_getgrent(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	nvlist_t *full, *entry;
	int err;

	for (;;) {
		if (pending != NULL) {
			full = pending;
			pending = NULL;
		} else if ((err = gr_lookup(NEXT, NULL, 0, &full)) != 0) {
			return err;
		}
		if (full == NULL)
			return 0; /* the end */
		if (group_allowed(limits, full))
			break;
		nvlist_destroy(full);
	}
	entry = gr_filter(limits, full);
	if (nvlist_exists_number(nvlin, "bufsize") &&
	    gr_size(entry) > nvlist_get_number(nvlin, "bufsize")) {
		nvlist_destroy(entry);
		pending = full;
		return ERANGE;
	}
	nvlist_destroy(full);
	nvlist_move_nvlist(nvlout, "group", entry);
	return 0;
}

/* Linux has no setgroupent(); setgrent() rewinds, and files stay open anyway. */
static int cmd_setgroupent(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	(void)limits, (void)nvlout;
	if (!nvlist_exists_bool(nvlin, "stayopen"))
		return EINVAL;
	forget_pending();
	setgrent();
	return 0;
}

static int cmd_setgrent(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	(void)limits, (void)nvlin, (void)nvlout;
	forget_pending();
	setgrent();
	return 0;
}

static int cmd_endgrent(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	(void)limits, (void)nvlin, (void)nvlout;
	forget_pending();
	endgrent();
	return 0;
}

static const struct limits_command commands[] = {
    {"getgrent", cmd_getgrent},       {"getgrent_r", cmd_getgrent}, {"getgrnam", cmd_getgrnam},
    {"getgrnam_r", cmd_getgrnam},     {"getgrgid", cmd_getgrgid},   {"getgrgid_r", cmd_getgrgid},
    {"setgroupent", cmd_setgroupent}, {"setgrent", cmd_setgrent},   {"endgrent", cmd_endgrent},
};

static int grp_command(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	return limits_command(commands, LEN(commands), cmd, limits, nvlin, nvlout);
}

/*
 * Read-only access to what the C library's name service needs: its
 * configuration and databases, its modules, and systemd's user database
 * (nss_systemd); no TCP.  Nothing depends on the limits: confined once.
 */
static int grp_confine(const nvlist_t *limits)
{
	static bool confined;
	int err;

	(void)limits;
	if (confined)
		return 0;
	if ((err = confine_name_service("/run/systemd", 0)) != 0)
		return err;
	confined = true;
	return 0;
}

CREATE_SERVICE_CONFINED("system.grp", grp_limit, grp_command, grp_confine, 0)
