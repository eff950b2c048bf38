/*
 * <casper/cap_pwd.h> -- system.pwd: the password database through a
 * Casper service, within limits on the commands, fields and users.
 * Source-compatible with FreeBSD.  See cap_pwd(3).
 *
 * Without WITH_CASPER every call is the plain C library call and the
 * limit functions do nothing (FreeBSD's convention, see libcasper.h).
 */
#ifndef _CAP_PWD_H_
#define _CAP_PWD_H_

#ifdef HAVE_CASPER
#define WITH_CASPER
#endif

#include <pwd.h>
#include <stddef.h>
#include <sys/types.h>

#include <libcasper.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef WITH_CASPER

struct passwd *cap_getpwent(cap_channel_t *chan);
struct passwd *cap_getpwnam(cap_channel_t *chan, const char *login);
struct passwd *cap_getpwuid(cap_channel_t *chan, uid_t uid);

int cap_getpwent_r(cap_channel_t *chan, struct passwd *pwd, char *buffer, size_t bufsize,
                   struct passwd **result);
int cap_getpwnam_r(cap_channel_t *chan, const char *name, struct passwd *pwd, char *buffer,
                   size_t bufsize, struct passwd **result);
int cap_getpwuid_r(cap_channel_t *chan, uid_t uid, struct passwd *pwd, char *buffer, size_t bufsize,
                   struct passwd **result);

int cap_setpassent(cap_channel_t *chan, int stayopen);
void cap_setpwent(cap_channel_t *chan);
void cap_endpwent(cap_channel_t *chan);

int cap_pwd_limit_cmds(cap_channel_t *chan, const char *const *cmds, size_t ncmds);
int cap_pwd_limit_fields(cap_channel_t *chan, const char *const *fields, size_t nfields);
int cap_pwd_limit_users(cap_channel_t *chan, const char *const *names, size_t nnames, uid_t *uids,
                        size_t nuids);

#else /* !WITH_CASPER */

#if defined(__GLIBC__) && !defined(__USE_MISC)
/* glibc declares it only for _DEFAULT_SOURCE; FreeBSD's is always visible. */
extern int getpwent_r(struct passwd *__restrict pwd, char *__restrict buffer, size_t bufsize,
                      struct passwd **__restrict result);
#endif

static inline struct passwd *cap_getpwent(cap_channel_t *chan)
{
	(void)chan;
	return getpwent();
}

static inline struct passwd *cap_getpwnam(cap_channel_t *chan, const char *login)
{
	(void)chan;
	return getpwnam(login);
}

static inline struct passwd *cap_getpwuid(cap_channel_t *chan, uid_t uid)
{
	(void)chan;
	return getpwuid(uid);
}

static inline int cap_getpwent_r(cap_channel_t *chan, struct passwd *pwd, char *buffer,
                                 size_t bufsize, struct passwd **result)
{
	(void)chan;
	return getpwent_r(pwd, buffer, bufsize, result);
}

static inline int cap_getpwnam_r(cap_channel_t *chan, const char *name, struct passwd *pwd,
                                 char *buffer, size_t bufsize, struct passwd **result)
{
	(void)chan;
	return getpwnam_r(name, pwd, buffer, bufsize, result);
}

static inline int cap_getpwuid_r(cap_channel_t *chan, uid_t uid, struct passwd *pwd, char *buffer,
                                 size_t bufsize, struct passwd **result)
{
	(void)chan;
	return getpwuid_r(uid, pwd, buffer, bufsize, result);
}

/* Linux has no setpassent(): setpwent(), and success as FreeBSD's (1). */
static inline int cap_setpassent(cap_channel_t *chan, int stayopen)
{
	(void)chan;
	(void)stayopen;
	setpwent();
	return 1;
}

static inline void cap_setpwent(cap_channel_t *chan)
{
	(void)chan;
	setpwent();
}

static inline void cap_endpwent(cap_channel_t *chan)
{
	(void)chan;
	endpwent();
}

static inline int cap_pwd_limit_cmds(cap_channel_t *chan, const char *const *cmds, size_t ncmds)
{
	(void)chan;
	(void)cmds;
	(void)ncmds;
	return 0;
}

static inline int cap_pwd_limit_fields(cap_channel_t *chan, const char *const *fields,
                                       size_t nfields)
{
	(void)chan;
	(void)fields;
	(void)nfields;
	return 0;
}

static inline int cap_pwd_limit_users(cap_channel_t *chan, const char *const *names, size_t nnames,
                                      uid_t *uids, size_t nuids)
{
	(void)chan;
	(void)names;
	(void)nnames;
	(void)uids;
	(void)nuids;
	return 0;
}

#endif /* WITH_CASPER */

#ifdef __cplusplus
}
#endif

#endif /* !_CAP_PWD_H_ */
