/*
 * system.sysctl: kernel parameters for a program in capability mode,
 * within limits on the names.  Linux keeps them in /proc/sys; the header
 * maps names and MIBs to its files (<casper/cap_sysctl.h>), the same code
 * serving the stand-ins of a program built without Casper.
 *
 * Limits are a list of nvlists all called "limit", each with a "name"
 * and/or a "mib" and an "operation" (CAP_SYSCTL_READ, _WRITE, either with
 * _RECURSIVE).  Unlimited until the first list; a later list must be
 * covered by the one before.  A request by name is checked against the
 * entries' names, one by MIB against their MIBs and, the MIB turned into
 * its name, against the name of the entry that matched, so that an entry
 * whose MIB and name disagree allows neither.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libcasper.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>
#include <sys/cnv.h>
#include <sys/nv.h>

#define CAP_SYSCTL_PROCSYS
#include <casper/cap_sysctl.h>

#define SYSCTL_API __attribute__((visibility("default")))

struct cap_sysctl_limit {
	cap_channel_t *chan;
	nvlist_t *nv;
};

/* ---- client ---- */

SYSCTL_API cap_sysctl_limit_t *cap_sysctl_limit_init(cap_channel_t *chan)
{
	cap_sysctl_limit_t *limit = malloc(sizeof(*limit));

	if (limit == NULL)
		return NULL;
	limit->chan = chan;
	if ((limit->nv = nvlist_create(NV_FLAG_NO_UNIQUE)) == NULL) {
		free(limit);
		errno = ENOMEM;
		return NULL;
	}
	return limit;
}

/* A new entry for limit, or NULL and limit freed. */
static nvlist_t *limit_entry(cap_sysctl_limit_t *limit, int flags)
{
	nvlist_t *lnv = nvlist_create(0);

	if (lnv == NULL) {
		nvlist_destroy(limit->nv);
		free(limit);
		errno = ENOMEM;
		return NULL;
	}
	nvlist_add_number(lnv, "operation", (uint64_t)(unsigned)flags);
	return lnv;
}

SYSCTL_API cap_sysctl_limit_t *cap_sysctl_limit_name(cap_sysctl_limit_t *limit, const char *name,
                                                     int flags)
{
	int mib[CTL_MAXNAME], err = errno;
	size_t n = CTL_MAXNAME;
	nvlist_t *lnv;

	if (limit == NULL || (lnv = limit_entry(limit, flags)) == NULL)
		return NULL;
	nvlist_add_string(lnv, "name", name);
	/* Its MIB too, when the name is one (and allowed so far). */
	if (cap_sysctlnametomib(limit->chan, name, mib, &n) == 0)
		nvlist_add_binary(lnv, "mib", mib, n * sizeof(int));
	errno = err;
	nvlist_move_nvlist(limit->nv, "limit", lnv);
	return limit;
}

SYSCTL_API cap_sysctl_limit_t *cap_sysctl_limit_mib(cap_sysctl_limit_t *limit, const int *mibp,
                                                    unsigned int miblen, int flags)
{
	nvlist_t *lnv;

	if (limit == NULL || (lnv = limit_entry(limit, flags)) == NULL)
		return NULL;
	nvlist_add_binary(lnv, "mib", mibp, (size_t)miblen * sizeof(int));
	nvlist_move_nvlist(limit->nv, "limit", lnv);
	return limit;
}

SYSCTL_API int cap_sysctl_limit(cap_sysctl_limit_t *limit)
{
	cap_channel_t *chan;
	nvlist_t *lnv;

	if (limit == NULL) {
		errno = EINVAL;
		return -1;
	}
	chan = limit->chan;
	lnv = limit->nv;
	free(limit);
	/* cap_limit_set() consumes the list whatever happens. */
	return cap_limit_set(chan, lnv);
}

/* The reply's value into oldp / *oldlenp (a too-small buffer gets what fit). */
static int take_value(const nvlist_t *reply, void *oldp, size_t *oldlenp)
{
	const void *buf;
	size_t size = 0;

	if (oldp != NULL && nvlist_exists_binary(reply, "oldp")) {
		buf = nvlist_get_binary(reply, "oldp", &size);
		if (size > *oldlenp)
			return EPROTO;
		memcpy(oldp, buf, size);
	} else if (nvlist_exists_number(reply, "oldlen")) {
		size = (size_t)nvlist_get_number(reply, "oldlen");
	}
	*oldlenp = size;
	return 0;
}

static int do_sysctl(cap_channel_t *chan, nvlist_t *nvl, void *oldp, size_t *oldlenp,
                     const void *newp, size_t newlen)
{
	uint64_t op = 0;
	int err;

	if (newp != NULL && newlen == 0) {
		nvlist_destroy(nvl);
		errno = EINVAL;
		return -1;
	}
	if (oldlenp != NULL)
		op |= CAP_SYSCTL_READ;
	if (newp != NULL)
		op |= CAP_SYSCTL_WRITE;
	nvlist_add_number(nvl, "operation", op);
	if (oldp == NULL && oldlenp != NULL)
		nvlist_add_null(nvl, "justsize");
	else if (oldlenp != NULL)
		nvlist_add_number(nvl, "oldlen", (uint64_t)*oldlenp);
	if (newp != NULL)
		nvlist_add_binary(nvl, "newp", newp, newlen);
	if ((nvl = cap_xfer_nvlist(chan, nvl)) == NULL)
		return -1;
	err = (int)nvlist_get_number(nvl, "error");
	/* ENOMEM: the buffer was too small and holds what fit, as sysctl(3). */
	if ((err == 0 || err == ENOMEM) && oldlenp != NULL) {
		int perr = take_value(nvl, oldp, oldlenp);

		err = perr != 0 ? perr : err;
	}
	nvlist_destroy(nvl);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

SYSCTL_API int cap_sysctl(cap_channel_t *chan, const int *name, unsigned int namelen, void *oldp,
                          size_t *oldlenp, const void *newp, size_t newlen)
{
	nvlist_t *req;

	if (name == NULL || namelen == 0 || namelen > CTL_MAXNAME) {
		errno = EINVAL;
		return -1;
	}
	req = nvlist_create(0);
	nvlist_add_string(req, "cmd", "sysctl");
	nvlist_add_binary(req, "mib", name, (size_t)namelen * sizeof(int));
	return do_sysctl(chan, req, oldp, oldlenp, newp, newlen);
}

SYSCTL_API int cap_sysctlbyname(cap_channel_t *chan, const char *name, void *oldp, size_t *oldlenp,
                                const void *newp, size_t newlen)
{
	nvlist_t *req;

	if (name == NULL) {
		errno = EINVAL;
		return -1;
	}
	req = nvlist_create(0);
	nvlist_add_string(req, "cmd", "sysctlbyname");
	nvlist_add_string(req, "name", name);
	return do_sysctl(chan, req, oldp, oldlenp, newp, newlen);
}

SYSCTL_API int cap_sysctlnametomib(cap_channel_t *chan, const char *name, int *mibp, size_t *sizep)
{
	nvlist_t *req;
	const void *mib;
	size_t size;
	int err;

	if (name == NULL || sizep == NULL) {
		errno = EINVAL;
		return -1;
	}
	req = nvlist_create(0);
	nvlist_add_string(req, "cmd", "sysctlnametomib");
	nvlist_add_string(req, "name", name);
	nvlist_add_number(req, "operation", 0);
	nvlist_add_number(req, "size", (uint64_t)*sizep);
	if ((req = cap_xfer_nvlist(chan, req)) == NULL)
		return -1;
	err = (int)nvlist_get_number(req, "error");
	if (err == 0 && !nvlist_exists_binary(req, "mib"))
		err = EPROTO;
	if (err == 0) {
		mib = nvlist_get_binary(req, "mib", &size);
		if (size % sizeof(int) != 0 || size / sizeof(int) > *sizep) {
			err = EPROTO;
		} else {
			memcpy(mibp, mib, size);
			*sizep = size / sizeof(int);
		}
	}
	nvlist_destroy(req);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

/* ---- service ---- */

/* What a request or a limit entry names, and for what. */
struct sysctl_id {
	const char *name; /* NULL: not by name */
	size_t miblen;    /* 0: not by MIB */
	int mib[CTL_MAXNAME];
	uint64_t op;
};

#define HAS_NAME 0x1
#define HAS_MIB  0x2
#define HAS_OP   0x4

/* One entry of a request or limit: which field it is, or EINVAL. */
static int id_field(const char *key, int type, void *cookie, bool limit, struct sysctl_id *id,
                    unsigned *field)
{
	const void *mib;
	size_t size;

	if (strcmp(key, "name") == 0 && type == NV_TYPE_STRING) {
		id->name = cnvlist_get_string(cookie);
		*field = HAS_NAME;
	} else if (strcmp(key, "mib") == 0 && type == NV_TYPE_BINARY) {
		mib = cnvlist_get_binary(cookie, &size);
		if (size == 0 || size % sizeof(int) != 0 || size > sizeof(id->mib))
			return EINVAL;
		memcpy(id->mib, mib, size);
		id->miblen = size / sizeof(int);
		*field = HAS_MIB;
	} else if (strcmp(key, "operation") == 0 && type == NV_TYPE_NUMBER) {
		uint64_t mask = limit ? CAP_SYSCTL_RDWR | CAP_SYSCTL_RECURSIVE : CAP_SYSCTL_RDWR;

		id->op = cnvlist_get_number(cookie);
		if ((id->op & ~mask) != 0 || (id->op & CAP_SYSCTL_RDWR) == 0)
			return EINVAL;
		*field = HAS_OP;
	} else if (limit || strcmp(key, "name") == 0 || strcmp(key, "mib") == 0 ||
	           strcmp(key, "operation") == 0) {
		return EINVAL;
	} else {
		*field = 0; /* a request's other arguments */
	}
	return 0;
}

/*
 * A limit entry (limit) or a request: one "operation", a "name" and/or a
 * "mib" (a request only one of them); a limit entry has nothing else.
 */
static int id_parse(const nvlist_t *nvl, bool limit, struct sysctl_id *id)
{
	const char *key;
	void *cookie = NULL;
	unsigned fields = 0, field;
	int type, err;

	memset(id, 0, sizeof(*id));
	while ((key = nvlist_next(nvl, &type, &cookie)) != NULL) {
		if ((err = id_field(key, type, cookie, limit, id, &field)) != 0)
			return err;
		if ((fields & field) != 0 ||
		    (!limit && (field & (HAS_NAME | HAS_MIB)) && (fields & (HAS_NAME | HAS_MIB))))
			return EINVAL;
		fields |= field;
	}
	if (!(fields & HAS_OP) || !(fields & (HAS_NAME | HAS_MIB)))
		return EINVAL;
	return 0;
}

static bool name_match(const char *lname, const char *name, bool recursive)
{
	size_t n = strlen(lname);

	if (!recursive)
		return strcmp(lname, name) == 0;
	return strncmp(lname, name, n) == 0 && (name[n] == '.' || name[n] == '\0');
}

static bool mib_match(const struct sysctl_id *l, const struct sysctl_id *req, bool recursive)
{
	if (l->miblen == 0 || l->miblen > req->miblen || (!recursive && l->miblen != req->miblen))
		return false;
	return memcmp(l->mib, req->mib, l->miblen * sizeof(int)) == 0;
}

/* An entry of limits allows req (its name, its MIB, both if it has both). */
static bool allowed(const nvlist_t *limits, const struct sysctl_id *req)
{
	struct sysctl_id e;
	void *cookie = NULL;
	int type;

	if (limits == NULL)
		return true;
	while (nvlist_next(limits, &type, &cookie) != NULL) {
		bool rec;

		if (type != NV_TYPE_NVLIST || id_parse(cnvlist_get_nvlist(cookie), true, &e) != 0 ||
		    (req->op & e.op) != req->op)
			continue;
		rec = (e.op & CAP_SYSCTL_RECURSIVE) != 0;
		if (req->miblen > 0 && !mib_match(&e, req, rec))
			continue;
		if (req->name != NULL &&
		    (e.name == NULL ? req->miblen == 0 : !name_match(e.name, req->name, rec)))
			continue;
		return true;
	}
	return false;
}

static int sysctl_limit(const nvlist_t *oldlimits, const nvlist_t *newlimits)
{
	struct sysctl_id e;
	const char *key;
	void *cookie = NULL;
	int type, err;

	while ((key = nvlist_next(newlimits, &type, &cookie)) != NULL) {
		if (strcmp(key, "limit") != 0 || type != NV_TYPE_NVLIST)
			return EINVAL;
		if ((err = id_parse(cnvlist_get_nvlist(cookie), true, &e)) != 0)
			return err;
		/* By its name if it has one, as a request by name would be. */
		if (e.name != NULL)
			e.miblen = 0;
		if (!allowed(oldlimits, &e))
			return ENOTCAPABLE;
	}
	return 0;
}

static int nametomib(const nvlist_t *limits, const nvlist_t *nvlin, nvlist_t *nvlout)
{
	struct sysctl_id req = {0};
	int mib[CTL_MAXNAME], err;
	size_t size;

	if (!nvlist_exists_string(nvlin, "name") || !nvlist_exists_number(nvlin, "size"))
		return EINVAL;
	req.name = nvlist_get_string(nvlin, "name");
	/* Any access will do. */
	if (!allowed(limits, &req))
		return ENOTCAPABLE;
	size = nvlist_get_number(nvlin, "size") < CTL_MAXNAME
	           ? (size_t)nvlist_get_number(nvlin, "size")
	           : CTL_MAXNAME;
	if ((err = __cap_procsys_nametomib(req.name, mib, &size)) != 0)
		return err;
	nvlist_add_binary(nvlout, "mib", mib, size * sizeof(int));
	return 0;
}

/* The request's old-value buffer: size only (*oldp NULL) or up to a value's size. */
static int old_buffer(const nvlist_t *nvlin, void **oldp, size_t *oldlen)
{
	*oldp = NULL;
	*oldlen = 0;
	if (nvlist_exists_null(nvlin, "justsize"))
		return 0;
	if (!nvlist_exists_number(nvlin, "oldlen"))
		return EINVAL;
	*oldlen = nvlist_get_number(nvlin, "oldlen") < __CAP_PROCSYS_VALUE_MAX
	              ? (size_t)nvlist_get_number(nvlin, "oldlen")
	              : __CAP_PROCSYS_VALUE_MAX;
	if ((*oldp = malloc(*oldlen + 1)) == NULL)
		return ENOMEM;
	return 0;
}

static int do_access(const char *path, uint64_t op, const nvlist_t *nvlin, nvlist_t *nvlout)
{
	const void *newp = NULL;
	void *oldp = NULL;
	size_t newlen = 0, oldlen = 0;
	int err;

	if (op & CAP_SYSCTL_WRITE) {
		if (!nvlist_exists_binary(nvlin, "newp"))
			return EINVAL;
		newp = nvlist_get_binary(nvlin, "newp", &newlen);
	}
	if ((op & CAP_SYSCTL_READ) && (err = old_buffer(nvlin, &oldp, &oldlen)) != 0)
		return err;
	err =
	    __cap_procsys_access(path, oldp, (op & CAP_SYSCTL_READ) ? &oldlen : NULL, newp, newlen);
	if ((err == 0 || err == ENOMEM) && (op & CAP_SYSCTL_READ)) {
		if (oldp != NULL && oldlen > 0) {
			nvlist_move_binary(nvlout, "oldp", oldp, oldlen);
			oldp = NULL;
		} else {
			nvlist_add_number(nvlout, "oldlen", (uint64_t)oldlen);
		}
	}
	free(oldp);
	return err;
}

static int sysctl_command(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin,
                          nvlist_t *nvlout)
{
	char name[__CAP_PROCSYS_PATH_MAX], path[__CAP_PROCSYS_PATH_MAX];
	struct sysctl_id req;
	bool bymib;
	int err;

	if (strcmp(cmd, "sysctlnametomib") == 0)
		return nametomib(limits, nvlin, nvlout);
	if (strcmp(cmd, "sysctl") != 0 && strcmp(cmd, "sysctlbyname") != 0)
		return EINVAL;
	if ((err = id_parse(nvlin, false, &req)) != 0)
		return err;
	bymib = strcmp(cmd, "sysctl") == 0;
	if (bymib ? req.miblen == 0 : req.name == NULL)
		return EINVAL;
	if (!allowed(limits, &req))
		return ENOTCAPABLE;
	if (bymib) {
		if ((err = __cap_procsys_mibtoname(req.mib, req.miblen, name, sizeof(name))) != 0)
			return err;
		req.name = name;
		if (!allowed(limits, &req))
			return ENOTCAPABLE;
	}
	if ((err = __cap_procsys_path(req.name, path, sizeof(path))) != 0)
		return err;
	return do_access(path, req.op, nvlin, nvlout);
}

/* Writing only while some entry allows it (or before any list). */
static int sysctl_confine(const nvlist_t *limits)
{
	static const char *const paths[] = {__CAP_PROCSYS_ROOT};
	int access[] = {CASPER_PATH_READ}, type, err;
	struct sysctl_id e;
	void *cookie = NULL;

	if (limits == NULL)
		access[0] |= CASPER_PATH_WRITE;
	while (limits != NULL && nvlist_next(limits, &type, &cookie) != NULL)
		if (type == NV_TYPE_NVLIST && id_parse(cnvlist_get_nvlist(cookie), true, &e) == 0 &&
		    (e.op & CAP_SYSCTL_WRITE))
			access[0] |= CASPER_PATH_WRITE;
	err = casper_confine_paths(paths, access, 1, 0);
	return err == ENOSYS ? 0 : err;
}

CREATE_SERVICE_CONFINED("system.sysctl", sysctl_limit, sysctl_command, sysctl_confine, 0)
