/*
 * <casper/cap_sysctl.h> -- system.sysctl: reading and setting kernel
 * parameters through a Casper service, within limits on the names.
 * Source-compatible with FreeBSD.  See cap_sysctl(3).
 *
 * Linux has no sysctl(2) namespace: a name is a file under /proc/sys, as
 * for sysctl(8) ("kernel.ostype" is /proc/sys/kernel/ostype; a '/' in a
 * name stands for a '.' in the file name).  Values are the files' text:
 * read with the final newline removed and a NUL added, written as given.
 * A MIB has one number per name component, made from the component's
 * name, so it is the same in every process; numbers start above 0x100,
 * FreeBSD's fixed numbers (CTL_KERN ...) mean nothing.
 *
 * Without WITH_CASPER every call reads or writes /proc/sys in the calling
 * process, the same way, and the limit functions do nothing (FreeBSD's
 * convention, see libcasper.h; Linux's C library has no sysctlbyname).
 */
#ifndef _CAP_SYSCTL_H_
#define _CAP_SYSCTL_H_

#ifdef HAVE_CASPER
#define WITH_CASPER
#endif

#include <stddef.h>
#include <sys/types.h>

#include <libcasper.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAP_SYSCTL_READ      0x01
#define CAP_SYSCTL_WRITE     0x02
#define CAP_SYSCTL_RDWR      (CAP_SYSCTL_READ | CAP_SYSCTL_WRITE)
#define CAP_SYSCTL_RECURSIVE 0x04

/* FreeBSD's <sys/sysctl.h>: the longest MIB. */
#ifndef CTL_MAXNAME
#define CTL_MAXNAME 24
#endif

struct cap_sysctl_limit;
typedef struct cap_sysctl_limit cap_sysctl_limit_t;

#ifdef WITH_CASPER

int cap_sysctl(cap_channel_t *chan, const int *name, unsigned int namelen, void *oldp,
               size_t *oldlenp, const void *newp, size_t newlen);
int cap_sysctlbyname(cap_channel_t *chan, const char *name, void *oldp, size_t *oldlenp,
                     const void *newp, size_t newlen);
int cap_sysctlnametomib(cap_channel_t *chan, const char *name, int *mibp, size_t *sizep);

cap_sysctl_limit_t *cap_sysctl_limit_init(cap_channel_t *chan);
cap_sysctl_limit_t *cap_sysctl_limit_name(cap_sysctl_limit_t *limit, const char *name, int flags);
cap_sysctl_limit_t *cap_sysctl_limit_mib(cap_sysctl_limit_t *limit, const int *mibp,
                                         unsigned int miblen, int flags);
int cap_sysctl_limit(cap_sysctl_limit_t *limit);

#endif /* WITH_CASPER */

#if !defined(WITH_CASPER) || defined(CAP_SYSCTL_PROCSYS)
/*
 * /proc/sys itself, for the stand-ins below and for the service.  Each
 * returns 0 or an errno.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define __CAP_PROCSYS_ROOT      "/proc/sys"
#define __CAP_PROCSYS_PATH_MAX  4096
#define __CAP_PROCSYS_VALUE_MAX (1024 * 1024)

/* The file of sysctl name: no empty, "." or ".." component. */
static inline int __cap_procsys_path(const char *name, char *path, size_t size)
{
	size_t root = sizeof(__CAP_PROCSYS_ROOT), n = strlen(name), len = 0;
	char *p = path + root;

	if (n == 0)
		return ENOENT;
	if (root + n + 1 > size)
		return ENAMETOOLONG;
	memcpy(path, __CAP_PROCSYS_ROOT "/", root);
	for (size_t i = 0; i <= n; i++, len++) {
		p[i] = name[i] == '.' ? '/' : name[i] == '/' ? '.' : name[i];
		if (p[i] != '/' && p[i] != '\0')
			continue;
		if (len == 0 || (len == 1 && p[i - 1] == '.') ||
		    (len == 2 && p[i - 1] == '.' && p[i - 2] == '.'))
			return ENOENT;
		len = (size_t)-1;
	}
	return 0;
}

/* A MIB number: FNV-1a of the component's file name, above 0x100. */
static inline int __cap_procsys_id(const char *comp, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)comp[i]) * 16777619u;
	return (int)(0x100 + h % 0x7fffff00u);
}

static inline int __cap_procsys_nametomib(const char *name, int *mibp, size_t *sizep)
{
	char path[__CAP_PROCSYS_PATH_MAX];
	const char *c;
	struct stat sb;
	size_t n = 0;
	int err;

	if ((err = __cap_procsys_path(name, path, sizeof(path))) != 0)
		return err;
	if (stat(path, &sb) != 0)
		return errno;
	for (c = path + sizeof(__CAP_PROCSYS_ROOT); c != NULL; n++) {
		const char *end = strchr(c, '/');
		size_t len = end != NULL ? (size_t)(end - c) : strlen(c);

		if (n == CTL_MAXNAME)
			return ENAMETOOLONG;
		if (n < *sizep)
			mibp[n] = __cap_procsys_id(c, len);
		c = end != NULL ? end + 1 : NULL;
	}
	if (n > *sizep)
		return ENOMEM;
	*sizep = n;
	return 0;
}

/* The entry of directory path whose number is id, appended to path. */
static inline int __cap_procsys_child(char *path, size_t size, int id)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t plen = strlen(path);
	int found = 0, toolong = 0;

	if (d == NULL)
		return errno == ENOTDIR ? ENOENT : errno;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    __cap_procsys_id(e->d_name, len) != id)
			continue;
		/* Two names with one number: neither is meant. */
		if (++found > 1 || (toolong = plen + 1 + len + 1 > size) != 0)
			break;
		path[plen] = '/';
		memcpy(path + plen + 1, e->d_name, len + 1);
	}
	closedir(d);
	if (found == 1 && !toolong)
		return 0;
	path[plen] = '\0';
	return toolong ? ENAMETOOLONG : ENOENT;
}

/* The sysctl name of a MIB, into name[size]. */
static inline int __cap_procsys_mibtoname(const int *mib, size_t miblen, char *name, size_t size)
{
	char path[__CAP_PROCSYS_PATH_MAX] = __CAP_PROCSYS_ROOT;
	size_t root = sizeof(__CAP_PROCSYS_ROOT), n;
	int err;

	if (miblen == 0 || miblen > CTL_MAXNAME)
		return EINVAL;
	for (size_t i = 0; i < miblen; i++)
		if ((err = __cap_procsys_child(path, sizeof(path), mib[i])) != 0)
			return err;
	if ((n = strlen(path + root)) + 1 > size)
		return ENAMETOOLONG;
	for (size_t i = 0; i <= n; i++) {
		char ch = path[root + i];

		name[i] = ch == '/' ? '.' : ch == '.' ? '/' : ch;
	}
	return 0;
}

/* The text of path: final newline dropped, NUL added; *lenp counts it. */
static inline int __cap_procsys_read(const char *path, char **bufp, size_t *lenp)
{
	size_t cap = 256, len = 0;
	char *buf = (char *)malloc(cap), *nbuf;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), err = 0;
	ssize_t r;

	if (fd < 0 || buf == NULL) {
		err = fd < 0 ? errno : ENOMEM;
		free(buf);
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= __CAP_PROCSYS_VALUE_MAX ||
			    (nbuf = (char *)realloc(buf, 2 * cap)) == NULL) {
				err = cap >= __CAP_PROCSYS_VALUE_MAX ? EFBIG : ENOMEM;
				break;
			}
			buf = nbuf;
			cap *= 2;
		}
		if ((r = read(fd, buf + len, cap - len)) < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? errno : 0;
			break;
		}
		len += (size_t)r;
	}
	close(fd);
	if (err != 0) {
		free(buf);
		return err;
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len + 1;
	return 0;
}

/* A value, without the NULs a caller may end it with. */
static inline int __cap_procsys_write(const char *path, const void *newp, size_t newlen)
{
	const char *v = (const char *)newp;
	int fd, err = 0;
	ssize_t r;

	while (newlen > 0 && v[newlen - 1] == '\0')
		newlen--;
	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno;
	if ((r = write(fd, v, newlen)) < 0)
		err = errno;
	else if ((size_t)r != newlen)
		err = EIO;
	close(fd);
	return err;
}

/*
 * sysctl(3) on a file: oldp NULL asks for the size; too small a buffer
 * gets what fits and ENOMEM (and nothing is written).
 */
static inline int __cap_procsys_access(const char *path, void *oldp, size_t *oldlenp,
                                       const void *newp, size_t newlen)
{
	char *buf = NULL;
	size_t len = 0, n;
	int err = 0;

	if (oldlenp != NULL) {
		if ((err = __cap_procsys_read(path, &buf, &len)) != 0)
			return err;
		if (oldp == NULL) {
			*oldlenp = len;
		} else {
			n = len <= *oldlenp ? len : *oldlenp;
			memcpy(oldp, buf, n);
			err = n < len ? ENOMEM : 0;
			*oldlenp = n;
		}
		free(buf);
	}
	if (err == 0 && newp != NULL)
		err = __cap_procsys_write(path, newp, newlen);
	return err;
}

#endif /* !WITH_CASPER || CAP_SYSCTL_PROCSYS */

#ifndef WITH_CASPER

static inline int __cap_procsys_ret(int err)
{
	if (err == 0)
		return 0;
	errno = err;
	return -1;
}

static inline int cap_sysctlbyname(cap_channel_t *chan, const char *name, void *oldp,
                                   size_t *oldlenp, const void *newp, size_t newlen)
{
	char path[__CAP_PROCSYS_PATH_MAX];
	int err;

	(void)chan;
	if ((err = __cap_procsys_path(name, path, sizeof(path))) == 0)
		err = __cap_procsys_access(path, oldp, oldlenp, newp, newlen);
	return __cap_procsys_ret(err);
}

static inline int cap_sysctl(cap_channel_t *chan, const int *name, unsigned int namelen, void *oldp,
                             size_t *oldlenp, const void *newp, size_t newlen)
{
	char sname[__CAP_PROCSYS_PATH_MAX];
	int err = __cap_procsys_mibtoname(name, namelen, sname, sizeof(sname));

	if (err != 0)
		return __cap_procsys_ret(err);
	return cap_sysctlbyname(chan, sname, oldp, oldlenp, newp, newlen);
}

static inline int cap_sysctlnametomib(cap_channel_t *chan, const char *name, int *mibp,
                                      size_t *sizep)
{
	(void)chan;
	return __cap_procsys_ret(__cap_procsys_nametomib(name, mibp, sizep));
}

static inline cap_sysctl_limit_t *cap_sysctl_limit_init(cap_channel_t *chan)
{
	(void)chan;
	return NULL;
}

static inline cap_sysctl_limit_t *cap_sysctl_limit_name(cap_sysctl_limit_t *limit, const char *name,
                                                        int flags)
{
	(void)limit;
	(void)name;
	(void)flags;
	return NULL;
}

static inline cap_sysctl_limit_t *cap_sysctl_limit_mib(cap_sysctl_limit_t *limit, const int *mibp,
                                                       unsigned int miblen, int flags)
{
	(void)limit;
	(void)mibp;
	(void)miblen;
	(void)flags;
	return NULL;
}

static inline int cap_sysctl_limit(cap_sysctl_limit_t *limit)
{
	(void)limit;
	return 0;
}

#endif /* !WITH_CASPER */

#ifdef __cplusplus
}
#endif

#endif /* !_CAP_SYSCTL_H_ */
