/*
 * bindat(2) and connectat(2): a unix socket's path relative to a
 * directory descriptor (FreeBSD's calls; Linux has none).
 *
 * Outside capability mode, from a directory with every right, the path is
 * looked up as bind(2) and connect(2) would from that directory, through
 * /proc/self/fd.  Otherwise the lookup is strict-relative with FreeBSD's
 * rights checks, and only the supervisor can do it (supervisor/sockat.c);
 * without one the call fails closed (ECAPMODE in capability mode,
 * ENOTCAPABLE outside it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <sys/capsicum.h>

#include "../supervisor/ctl.h"

static int plain(int op, int s, const struct sockaddr *addr, socklen_t len)
{
	return op == CTL_BINDAT ? bind(s, addr, len) : connect(s, addr, len);
}

/* From a directory with every right, outside capability mode: through /proc/self/fd. */
static int through_proc(int op, int fd, int s, const struct sockaddr_un *un, socklen_t len)
{
	struct sockaddr_un via = {.sun_family = AF_UNIX};
	size_t n = len - offsetof(struct sockaddr_un, sun_path);
	char path[sizeof(un->sun_path) + 1] = {0};
	int r;

	memcpy(path, un->sun_path, n < sizeof(un->sun_path) ? n : sizeof(un->sun_path));
	if (path[0] == '/')
		return plain(op, s, (const struct sockaddr *)un, len);
	r = snprintf(via.sun_path, sizeof(via.sun_path), "/proc/self/fd/%d/%s", fd, path);
	if (r < 0 || (size_t)r >= sizeof(via.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return plain(op, s, (const struct sockaddr *)&via, sizeof(via));
}

static bool all_rights(int fd)
{
	cap_rights_t r, all;

	CAP_ALL(&all);
	return cap_rights_get(fd, &r) == 0 && cap_rights_contains(&r, &all);
}

static int sockat(int op, int fd, int s, const struct sockaddr *addr, socklen_t len)
{
	unsigned mode = 0;
	long r;

	if (fd == AT_FDCWD)
		return plain(op, s, addr, len);
	if (addr == NULL) {
		errno = EFAULT;
		return -1;
	}
	if (len <= offsetof(struct sockaddr_un, sun_path) || len > sizeof(struct sockaddr_un)) {
		errno = EINVAL;
		return -1;
	}
	if (addr->sa_family != AF_UNIX) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (cap_getmode(&mode) == 0 && !mode && all_rights(fd))
		return through_proc(op, fd, s, (const struct sockaddr_un *)addr, len);
	if (syscall(SYS_prctl, CTL_PRCTL, CTL_HELLO, 0L, 0L, 0L) != CTL_MAGIC) {
		errno = mode ? ECAPMODE : ENOTCAPABLE;
		return -1;
	}
	r = syscall(SYS_prctl, CTL_PRCTL, op,
	            (long)((uint64_t)(uint32_t)fd | (uint64_t)(uint32_t)s << 32), addr, (long)len);
	return r == 0 ? 0 : -1;
}

int bindat(int fd, int s, const struct sockaddr *addr, socklen_t addrlen)
{
	return sockat(CTL_BINDAT, fd, s, addr, addrlen);
}

int connectat(int fd, int s, const struct sockaddr *name, socklen_t namelen)
{
	return sockat(CTL_CONNECTAT, fd, s, name, namelen);
}
