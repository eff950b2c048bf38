/*
 * system.pwd: the password database for a program in capability mode.
 *
 * The client half turns each cap_getpw*() call into a request and lays
 * the entry in the reply out in the caller's buffer (or, for the calls
 * without _r, in storage of this library, as the C library does).  The
 * service half answers from the C library's own lookups, within limits
 * on the commands, the fields and the users: a field not allowed goes
 * out blank, a user not allowed is not found, an enumeration skips it.
 *
 * Replies: "error", and the nvlist "passwd" when an entry was found,
 * holding the strings and ids of struct passwd by their field names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcasper.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include <casper/cap_pwd.h>
#include "../common/confine.h"
#include "../common/limits.h"
#include "../common/request.h"

#define PWD_API __attribute__((visibility("default")))

/* The service gives up on an entry that needs more than this. */
#define PW_BUF_MAX (16u << 20)

enum ftype { F_STR, F_ID };

struct field {
	const char *name;
	enum ftype type;
	size_t off;
};

/* The fields of Linux's struct passwd, as they travel. */
static const struct field pw_fields[] = {
    {"pw_name", F_STR, offsetof(struct passwd, pw_name)},
    {"pw_passwd", F_STR, offsetof(struct passwd, pw_passwd)},
    {"pw_uid", F_ID, offsetof(struct passwd, pw_uid)},
    {"pw_gid", F_ID, offsetof(struct passwd, pw_gid)},
    {"pw_gecos", F_STR, offsetof(struct passwd, pw_gecos)},
    {"pw_dir", F_STR, offsetof(struct passwd, pw_dir)},
    {"pw_shell", F_STR, offsetof(struct passwd, pw_shell)},
};
#define NFIELDS (sizeof(pw_fields) / sizeof(pw_fields[0]))

/*
 * FreeBSD's fields that Linux's struct passwd lacks: accepted in limits
 * (programs written for FreeBSD name them), with nothing to fill.
 */
static const char *const pw_bsd_fields[] = {"pw_change", "pw_class", "pw_expire", "pw_fields"};

static const char *const pw_cmds[] = {
    "getpwent",   "getpwnam",   "getpwuid", "getpwent_r", "getpwnam_r",
    "getpwuid_r", "setpassent", "setpwent", "endpwent",
};

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static bool known_field(const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(pw_fields[i].name, name) == 0)
			return true;
	return limits_in_table(pw_bsd_fields, LEN(pw_bsd_fields), name);
}

static bool known_cmd(const char *name)
{
	return limits_in_table(pw_cmds, LEN(pw_cmds), name);
}

/* Bytes of the caller's buffer that the strings of entry take. */
static size_t pw_size(const nvlist_t *entry)
{
	size_t size = 0;

	for (size_t i = 0; i < NFIELDS; i++)
		if (pw_fields[i].type == F_STR && nvlist_exists_string(entry, pw_fields[i].name))
			size += strlen(nvlist_get_string(entry, pw_fields[i].name)) + 1;
	return size;
}

/* ---- the client ---- */

/* Fills pwd from entry, its strings in buf; absent fields are NULL or 0. */
static int pw_unpack(const nvlist_t *entry, struct passwd *pwd, char *buf, size_t size)
{
	if (pw_size(entry) > size)
		return ERANGE;
	memset(pwd, 0, sizeof(*pwd));
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &pw_fields[i];
		char *slot = (char *)pwd + f->off;

		if (f->type == F_ID && nvlist_exists_number(entry, f->name)) {
			*(uid_t *)slot = (uid_t)nvlist_get_number(entry, f->name);
		} else if (f->type == F_STR && nvlist_exists_string(entry, f->name)) {
			const char *s = nvlist_get_string(entry, f->name);
			size_t len = strlen(s) + 1;

			memcpy(buf, s, len);
			*(char **)slot = buf;
			buf += len;
		}
	}
	return 0;
}

static nvlist_t *pw_by_uid(const char *cmd, uid_t uid)
{
	nvlist_t *req = request_new(cmd);

	nvlist_add_number(req, "uid", (uint64_t)uid);
	return req;
}

static int getpw_r(cap_channel_t *chan, nvlist_t *req, struct passwd *pwd, char *buf, size_t size,
                   struct passwd **result)
{
	nvlist_t *reply;
	int err;

	*result = NULL;
	if ((reply = request_xfer(chan, req, &err)) == NULL)
		return err;
	if (nvlist_exists_nvlist(reply, "passwd")) {
		err = pw_unpack(nvlist_get_nvlist(reply, "passwd"), pwd, buf, size);
		if (err == 0)
			*result = pwd;
	}
	nvlist_destroy(reply);
	return err;
}

/*
 * The calls without _r share one entry in storage of this library, as
 * FreeBSD's do; it grows to fit, so they never fail with ERANGE.
 */
static struct passwd *getpw_static(cap_channel_t *chan, nvlist_t *req)
{
	static struct passwd pw;
	static char *buf;
	static size_t bufsize;
	const nvlist_t *entry;
	nvlist_t *reply;
	int err, saved = errno;

	if ((reply = request_xfer(chan, req, &err)) == NULL) {
		errno = err;
		return NULL;
	}
	if (!nvlist_exists_nvlist(reply, "passwd")) {
		nvlist_destroy(reply);
		errno = saved; /* not found */
		return NULL;
	}
	entry = nvlist_get_nvlist(reply, "passwd");
	if (pw_size(entry) > bufsize) {
		size_t want = pw_size(entry) < 1024 ? 1024 : pw_size(entry);
		char *nbuf = realloc(buf, want);

		if (nbuf == NULL) {
			nvlist_destroy(reply);
			errno = ENOMEM;
			return NULL;
		}
		buf = nbuf;
		bufsize = want;
	}
	(void)pw_unpack(entry, &pw, buf, bufsize);
	nvlist_destroy(reply);
	errno = saved;
	return &pw;
}

PWD_API struct passwd *cap_getpwent(cap_channel_t *chan)
{
	return getpw_static(chan, request_new("getpwent"));
}

PWD_API struct passwd *cap_getpwnam(cap_channel_t *chan, const char *login)
{
	return getpw_static(chan, request_by_name("getpwnam", login));
}

PWD_API struct passwd *cap_getpwuid(cap_channel_t *chan, uid_t uid)
{
	return getpw_static(chan, pw_by_uid("getpwuid", uid));
}

/*
 * The service learns the size of the buffer, so that an entry that does
 * not fit stays the next one (ERANGE), as with the C library.
 */
PWD_API int cap_getpwent_r(cap_channel_t *chan, struct passwd *pwd, char *buffer, size_t bufsize,
                           struct passwd **result)
{
	nvlist_t *req = request_new("getpwent_r");

	nvlist_add_number(req, "bufsize", (uint64_t)bufsize);
	return getpw_r(chan, req, pwd, buffer, bufsize, result);
}

PWD_API int cap_getpwnam_r(cap_channel_t *chan, const char *name, struct passwd *pwd, char *buffer,
                           size_t bufsize, struct passwd **result)
{
	return getpw_r(chan, request_by_name("getpwnam_r", name), pwd, buffer, bufsize, result);
}

PWD_API int cap_getpwuid_r(cap_channel_t *chan, uid_t uid, struct passwd *pwd, char *buffer,
                           size_t bufsize, struct passwd **result)
{
	return getpw_r(chan, pw_by_uid("getpwuid_r", uid), pwd, buffer, bufsize, result);
}

PWD_API int cap_setpassent(cap_channel_t *chan, int stayopen)
{
	nvlist_t *req = request_new("setpassent");

	nvlist_add_bool(req, "stayopen", stayopen != 0);
	return request_simple(chan, req);
}

PWD_API void cap_setpwent(cap_channel_t *chan)
{
	(void)request_simple(chan, request_new("setpwent"));
}

PWD_API void cap_endpwent(cap_channel_t *chan)
{
	(void)request_simple(chan, request_new("endpwent"));
}

PWD_API int cap_pwd_limit_cmds(cap_channel_t *chan, const char *const *cmds, size_t ncmds)
{
	return limits_replace_names(chan, "cmds", cmds, ncmds);
}

PWD_API int cap_pwd_limit_fields(cap_channel_t *chan, const char *const *fields, size_t nfields)
{
	return limits_replace_names(chan, "fields", fields, nfields);
}

/* Users by name ("name<i>", strings) and by id ("uid<i>", numbers). */
PWD_API int cap_pwd_limit_users(cap_channel_t *chan, const char *const *names, size_t nnames,
                                uid_t *uids, size_t nuids)
{
	nvlist_t *list = nvlist_create(0);
	char key[32];

	for (size_t i = 0; i < nuids; i++) {
		snprintf(key, sizeof(key), "uid%zu", i);
		nvlist_add_number(list, key, (uint64_t)uids[i]);
	}
	for (size_t i = 0; i < nnames; i++) {
		snprintf(key, sizeof(key), "name%zu", i);
		nvlist_add_string(list, key, names[i]);
	}
	return limits_replace(chan, "users", list);
}

/* ---- the service: limits ---- */

static int pwd_limit(const nvlist_t *oldlimits, const nvlist_t *newlimits)
{
	return limits_check(oldlimits, newlimits, known_cmd, known_field, "users");
}

/* Is the user of full listed in "users" (by pw_uid or pw_name), or are all allowed? */
static bool user_allowed(const nvlist_t *limits, const nvlist_t *full)
{
	return limits_entry_allowed(limits, "users", full, "pw_uid", "pw_name");
}

/* ---- the service: lookups ---- */

enum how { BY_NAME, BY_UID, NEXT };

/* Every field of pw, unfiltered. */
static nvlist_t *pw_full(const struct passwd *pw)
{
	nvlist_t *nvl = nvlist_create(0);

	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &pw_fields[i];
		const char *slot = (const char *)pw + f->off;

		if (f->type == F_ID)
			nvlist_add_number(nvl, f->name, (uint64_t) * (const uid_t *)slot);
		else if (*(char *const *)slot != NULL)
			nvlist_add_string(nvl, f->name, *(char *const *)slot);
	}
	if (nvlist_error(nvl) != 0) {
		nvlist_destroy(nvl);
		return NULL;
	}
	return nvl;
}

/* Looks an entry up with the C library; *fullp NULL when there is none. */
static int pw_lookup(enum how how, const char *name, uid_t uid, nvlist_t **fullp)
{
	struct passwd pw, *res = NULL;
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
			err = getpwnam_r(name, &pw, buf, size, &res);
		else if (how == BY_UID)
			err = getpwuid_r(uid, &pw, buf, size, &res);
		else
			err = getpwent_r(&pw, buf, size, &res);
		if (err != ERANGE || size >= PW_BUF_MAX)
			break;
		size *= 2;
	}
	if (how == NEXT && err == ENOENT)
		err = 0; /* the end */
	if (err == 0 && res != NULL && (*fullp = pw_full(res)) == NULL)
		err = ENOMEM;
	free(buf);
	return err;
}

/* The fields of full that limits allow. */
static nvlist_t *pw_filter(const nvlist_t *limits, const nvlist_t *full)
{
	nvlist_t *nvl = nvlist_create(0);

	for (size_t i = 0; i < NFIELDS; i++) {
		const char *name = pw_fields[i].name;

		if (!limits_name_allowed(limits, "fields", name))
			continue;
		if (nvlist_exists_number(full, name))
			nvlist_add_number(nvl, name, nvlist_get_number(full, name));
		else if (nvlist_exists_string(full, name))
			nvlist_add_string(nvl, name, nvlist_get_string(full, name));
	}
	return nvl;
}

/* Adds full, filtered, to the reply if the user is allowed; takes full. */
static int pw_reply(const nvlist_t *limits, nvlist_t *full, nvlist_t *nvlout)
{
	if (full != NULL && user_allowed(limits, full))
		nvlist_move_nvlist(nvlout, "passwd", pw_filter(limits, full));
	nvlist_destroy(full);
	return 0;
}

static int cmd_getpwnam(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	nvlist_t *full;
	int err;

	if (!nvlist_exists_string(nvlin, "name"))
		return EINVAL;
	if ((err = pw_lookup(BY_NAME, nvlist_get_string(nvlin, "name"), 0, &full)) != 0)
		return err;
	return pw_reply(limits, full, nvlout);
}

static int cmd_getpwuid(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	nvlist_t *full;
	uint64_t uid;
	int err;

	if (!nvlist_exists_number(nvlin, "uid"))
		return EINVAL;
	if ((uid = nvlist_get_number(nvlin, "uid")) > UINT32_MAX)
		return EINVAL;
	if ((err = pw_lookup(BY_UID, NULL, (uid_t)uid, &full)) != 0)
		return err;
	return pw_reply(limits, full, nvlout);
}

/*
 * The entry of a getpwent_r that did not fit the caller's buffer: the
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

static int cmd_getpwent(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	nvlist_t *full, *entry;
	int err;

	for (;;) {
		if (pending != NULL) {
			full = pending;
			pending = NULL;
		} else if ((err = pw_lookup(NEXT, NULL, 0, &full)) != 0) {
			return err;
		}
		if (full == NULL)
			return 0; /* the end */
		if (user_allowed(limits, full))
			break;
		nvlist_destroy(full);
	}
	entry = pw_filter(limits, full);
	if (nvlist_exists_number(nvlin, "bufsize") &&
	    pw_size(entry) > nvlist_get_number(nvlin, "bufsize")) {
		nvlist_destroy(entry);
		pending = full;
		return ERANGE;
	}
	nvlist_destroy(full);
	nvlist_move_nvlist(nvlout, "passwd", entry);
	return 0;
}

/* Linux has no setpassent(); setpwent() rewinds, and files stay open anyway. */
static int cmd_setpassent(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	(void)limits, (void)nvlout;
	if (!nvlist_exists_bool(nvlin, "stayopen"))
		return EINVAL;
	forget_pending();
	setpwent();
	return 0;
}

static int cmd_setpwent(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	(void)limits, (void)nvlin, (void)nvlout;
	forget_pending();
	setpwent();
	return 0;
}

static int cmd_endpwent(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	(void)limits, (void)nvlin, (void)nvlout;
	forget_pending();
	endpwent();
	return 0;
}

static const struct limits_command commands[] = {
    {"getpwent", cmd_getpwent},     {"getpwent_r", cmd_getpwent}, {"getpwnam", cmd_getpwnam},
    {"getpwnam_r", cmd_getpwnam},   {"getpwuid", cmd_getpwuid},   {"getpwuid_r", cmd_getpwuid},
    {"setpassent", cmd_setpassent}, {"setpwent", cmd_setpwent},   {"endpwent", cmd_endpwent},
};

static int pwd_command(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	return limits_command(commands, LEN(commands), cmd, limits, nvlin, nvlout);
}

/*
 * Read-only access to what the C library's name service needs: its
 * configuration and databases, its modules, and systemd's user database
 * (nss_systemd); no TCP.  Nothing depends on the limits: confined once.
 */
static int pwd_confine(const nvlist_t *limits)
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

CREATE_SERVICE_CONFINED("system.pwd", pwd_limit, pwd_command, pwd_confine, 0)
