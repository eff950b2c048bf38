/*
 * <casper/cap_grp.h> -- system.grp: the group database through a Casper
 * service, within limits on the commands, fields and groups.
 * Source-compatible with FreeBSD.  See cap_grp(3).
 *
 * Without WITH_CASPER every call is the plain C library call and the
 * limit functions do nothing (FreeBSD's convention, see libcasper.h).
 */
#ifndef _CAP_GRP_H_
#define _CAP_GRP_H_

#ifdef HAVE_CASPER
#define WITH_CASPER
#endif

#include <grp.h>
#include <stddef.h>
#include <sys/types.h>

#include <libcasper.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef WITH_CASPER

struct group *cap_getgrent(cap_channel_t *chan);
struct group *cap_getgrnam(cap_channel_t *chan, const char *name);
struct group *cap_getgrgid(cap_channel_t *chan, gid_t gid);

int cap_getgrent_r(cap_channel_t *chan, struct group *grp, char *buffer, size_t bufsize,
                   struct group **result);
int cap_getgrnam_r(cap_channel_t *chan, const char *name, struct group *grp, char *buffer,
                   size_t bufsize, struct group **result);
int cap_getgrgid_r(cap_channel_t *chan, gid_t gid, struct group *grp, char *buffer, size_t bufsize,
                   struct group **result);

int cap_setgroupent(cap_channel_t *chan, int stayopen);
int cap_setgrent(cap_channel_t *chan);
void cap_endgrent(cap_channel_t *chan);

int cap_grp_limit_cmds(cap_channel_t *chan, const char *const *cmds, size_t ncmds);
int cap_grp_limit_fields(cap_channel_t *chan, const char *const *fields, size_t nfields);
int cap_grp_limit_groups(cap_channel_t *chan, const char *const *names, size_t nnames,
                         const gid_t *gids, size_t ngids);

#else /* !WITH_CASPER */

#if defined(__GLIBC__) && !defined(__USE_GNU)
/* glibc declares it only for _GNU_SOURCE; FreeBSD's is always visible. */
extern int getgrent_r(struct group *__restrict grp, char *__restrict buffer, size_t bufsize,
                      struct group **__restrict result);
#endif

static inline struct group *cap_getgrent(cap_channel_t *chan)
{
	(void)chan;
	return getgrent();
}

static inline struct group *cap_getgrnam(cap_channel_t *chan, const char *name)
{
	(void)chan;
	return getgrnam(name);
}

static inline struct group *cap_getgrgid(cap_channel_t *chan, gid_t gid)
{
	(void)chan;
	return getgrgid(gid);
}

static inline int cap_getgrent_r(cap_channel_t *chan, struct group *grp, char *buffer,
                                 size_t bufsize, struct group **result)
{
	(void)chan;
	return getgrent_r(grp, buffer, bufsize, result);
}

static inline int cap_getgrnam_r(cap_channel_t *chan, const char *name, struct group *grp,
                                 char *buffer, size_t bufsize, struct group **result)
{
	(void)chan;
	return getgrnam_r(name, grp, buffer, bufsize, result);
}

static inline int cap_getgrgid_r(cap_channel_t *chan, gid_t gid, struct group *grp, char *buffer,
                                 size_t bufsize, struct group **result)
{
	(void)chan;
	return getgrgid_r(gid, grp, buffer, bufsize, result);
}

/*
 * Linux has no setgroupent(), and its setgrent() returns nothing:
 * setgrent(), and success as FreeBSD's (1).
 */
static inline int cap_setgroupent(cap_channel_t *chan, int stayopen)
{
	(void)chan;
	(void)stayopen;
	setgrent();
	return 1;
}

static inline int cap_setgrent(cap_channel_t *chan)
{
	(void)chan;
	setgrent();
	return 1;
}

static inline void cap_endgrent(cap_channel_t *chan)
{
	(void)chan;
	endgrent();
}

static inline int cap_grp_limit_cmds(cap_channel_t *chan, const char *const *cmds, size_t ncmds)
{
	(void)chan;
	(void)cmds;
	(void)ncmds;
	return 0;
}

static inline int cap_grp_limit_fields(cap_channel_t *chan, const char *const *fields,
                                       size_t nfields)
{
	(void)chan;
	(void)fields;
	(void)nfields;
	return 0;
}

static inline int cap_grp_limit_groups(cap_channel_t *chan, const char *const *names, size_t nnames,
                                       const gid_t *gids, size_t ngids)
{
	(void)chan;
	(void)names;
	(void)nnames;
	(void)gids;
	(void)ngids;
	return 0;
}

#endif /* WITH_CASPER */

#ifdef __cplusplus
}
#endif

#endif /* !_CAP_GRP_H_ */
