/*
 * bindat(2) and connectat(2) for unix sockets: a path beneath a directory
 * descriptor (spec 2.9), the supervisor's part (CTL_BINDAT, CTL_CONNECTAT).
 *
 * Linux has no such calls, and in capability mode bind and connect are
 * refused outright: the library asks the supervisor, which checks the
 * rights (CAP_BINDAT or CAP_CONNECTAT on the directory, CAP_BIND or
 * CAP_CONNECT on the socket), resolves the path beneath the directory as
 * lookups do (RESOLVE_BENEATH: escapes fail with ENOTCAPABLE), and binds
 * or connects its own copy of the caller's socket -- the same open file
 * description -- through /proc/self/fd:
 *
 *	bindat     the parent directory, then "/proc/self/fd/P/name", with
 *	           the caller's umask (each worker has its own, CLONE_FS)
 *	connectat  the socket file itself (O_PATH), then "/proc/self/fd/S"
 *
 * Acting as the supervisor is acting as the caller only when their
 * credentials match; otherwise EACCES, as for lookups.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/openat2.h>

#include <sys/capsicum.h>

#include "ctl.h"
#include "serve.h"
#include "slow.h"

/* openat2 beneath dir, no magic links; escapes are ENOTCAPABLE.  fd or -errno. */
static int beneath(int dir, const char *path, uint64_t flags)
{
	struct open_how how = {.flags = flags | O_PATH | O_CLOEXEC,
	                       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	long fd;

	do
		fd = syscall(SYS_openat2, dir, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	if (fd < 0)
		return errno == EXDEV ? -ENOTCAPABLE : -errno;
	return (int)fd;
}

/* The rights of the caller's fd (copy: ours) include right: 0 or -errno. */
static int needs(struct target *t, int fd, int copy, uint64_t right)
{
	struct record rec;

	if (slow_state(t, fd, copy, &rec) != 0)
		return -ENOTCAPABLE;
	return !rec.restricted || state_has(&rec.st, right) ? 0 : -ENOTCAPABLE;
}

/* Bind sock to base in directory p, under the caller's umask. */
static int bind_in(struct target *t, int sock, int p, const char *base)
{
	static __thread bool own_fs;
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	int mask = target_umask(t), r;

	if (mask < 0)
		return mask;
	if (!own_fs) {
		if (unshare(CLONE_FS) != 0)
			return -errno;
		own_fs = true;
	}
	r = snprintf(un.sun_path, sizeof(un.sun_path), "/proc/self/fd/%d/%s", p, base);
	if (r < 0 || (size_t)r >= sizeof(un.sun_path))
		return -ENAMETOOLONG;
	umask((mode_t)mask);
	r = bind(sock, (struct sockaddr *)&un, sizeof(un)) == 0 ? 0 : -errno;
	umask(0);
	return r;
}

static int connect_to(int sock, int obj)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};

	snprintf(un.sun_path, sizeof(un.sun_path), "/proc/self/fd/%d", obj);
	return connect(sock, (struct sockaddr *)&un, sizeof(un)) == 0 ? 0 : -errno;
}

/* The caller's path: its sockaddr_un, NUL-terminated, not abstract. */
static int read_path(struct target *t, const struct seccomp_data *d, char *path)
{
	struct sockaddr_un un;
	size_t len = (size_t)d->args[4], off = offsetof(struct sockaddr_un, sun_path);

	if (len <= off || len > sizeof(un))
		return -EINVAL;
	memset(&un, 0, sizeof(un));
	if (target_read(t, d->args[3], &un, len) != 0)
		return -EFAULT;
	if (un.sun_family != AF_UNIX)
		return -EAFNOSUPPORT;
	if (un.sun_path[0] == '\0')
		return -EINVAL;
	memcpy(path, un.sun_path, sizeof(un.sun_path));
	path[sizeof(un.sun_path)] = '\0';
	return 0;
}

/* Split path into the directory part (in dirpart) and the last component. */
static int split(const char *path, char *dirpart, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		strcpy(dirpart, ".");
		*base = path;
	} else {
		if (slash[1] == '\0')
			return -EINVAL; /* a socket is no directory */
		memcpy(dirpart, path, (size_t)(slash - path) + 1);
		dirpart[slash - path + 1] = '\0';
		*base = slash + 1;
	}
	if (strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0)
		return -EADDRINUSE;
	return 0;
}

static int sockat(struct target *t, const struct seccomp_data *d, bool bind)
{
	int fd = (int)(uint32_t)d->args[2], s = (int)(uint32_t)(d->args[2] >> 32);
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1], dirpart[sizeof(path)];
	const char *base;
	int dir = -1, sock = -1, obj = -1, r;

	if ((r = read_path(t, d, path)) != 0)
		return r;
	if ((dir = target_getfd(t, fd)) < 0 || (sock = target_getfd(t, s)) < 0) {
		r = (dir < 0 ? dir : sock) == -EBADF ? -EBADF : -ENOTCAPABLE;
		goto out;
	}
	if ((r = needs(t, fd, dir, bind ? CAP_BINDAT : CAP_CONNECTAT)) != 0 ||
	    (r = needs(t, s, sock, bind ? CAP_BIND : CAP_CONNECT)) != 0 ||
	    (r = target_check_creds(t)) != 0)
		goto out;
	if (!target_valid(t)) {
		r = -ESRCH;
		goto out;
	}
	if (bind) {
		if ((r = split(path, dirpart, &base)) == 0 &&
		    (r = obj = beneath(dir, dirpart, O_DIRECTORY)) >= 0)
			r = bind_in(t, sock, obj, base);
	} else if ((r = obj = beneath(dir, path, 0)) >= 0) {
		r = connect_to(sock, obj);
	}
out:
	if (obj >= 0)
		close(obj);
	if (sock >= 0)
		close(sock);
	if (dir >= 0)
		close(dir);
	return r;
}

void serve_sockat(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	int res = sockat(t, d, d->args[1] == CTL_BINDAT);

	if (res < 0)
		r->error = -res;
	else
		r->val = 0;
}
