/* The table of process descriptors this process made (procdesc.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <sys/capsicum.h>

#include "procdesc.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct pd *pds;
static size_t npds, room;

void pd_lock(void)
{
	pthread_mutex_lock(&lock);
}

void pd_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

void pd_child_reset(void)
{
	/* Held by the thread that cloned us, which does not exist here. */
	lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
}

/* fstat without libcapsicum's own fstat, which asks this table. */
static int raw_fstat(int fd, struct stat *sb)
{
	return syscall(SYS_fstat, fd, sb) == 0 ? 0 : -errno;
}

/*
 * The entry for the file on fd: by identity when fstat may be used, by
 * number when the descriptor's rights forbid it (the number still holds
 * what it held when it was limited: a limited number cannot be dup2'd
 * onto).  Under the lock.
 */
static struct pd *find(int fd)
{
	struct stat sb;
	int r = raw_fstat(fd, &sb);

	for (size_t i = 0; i < npds; i++) {
		struct pd *p = &pds[i];

		if (r == 0 && p->dev == sb.st_dev && p->ino == sb.st_ino) {
			p->fd = fd;
			return p;
		}
		if (r == -ENOTCAPABLE && p->fd == fd)
			return p;
	}
	return NULL;
}

bool pd_lookup(int fd, struct pd *out)
{
	struct pd *p;
	int mark = 0, pid = 0;
	socklen_t len = sizeof(int);

	pd_lock();
	p = find(fd);
	if (p)
		*out = *p;
	pd_unlock();
	if (p)
		return true;
	/* Not made here: D carries its mark and the child's pid. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &mark, &len) != 0 || mark != PD_MARK)
		return false;
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &pid, &len) != 0 || pid <= 0)
		return false;
	*out = (struct pd){.fd = fd, .pid = pid, .pidfd = -1};
	return true;
}

int pd_add(int fd, pid_t pid, int pidfd)
{
	struct stat sb;
	int r = raw_fstat(fd, &sb);

	if (r != 0)
		return r;
	pd_lock();
	if (npds == room) {
		size_t n = room ? 2 * room : 16;
		struct pd *q = realloc(pds, n * sizeof(*q));

		if (q == NULL) {
			pd_unlock();
			return -ENOMEM;
		}
		pds = q;
		room = n;
	}
	pds[npds++] = (struct pd){fd, sb.st_dev, sb.st_ino, pid, pidfd, false};
	pd_unlock();
	return 0;
}

void pd_reaped(pid_t pid)
{
	pd_lock();
	for (size_t i = 0; i < npds; i++)
		if (pds[i].pid == pid)
			pds[i].reaped = true;
	pd_unlock();
}

/* Whether fd still holds the entry's file. */
static bool holds(const struct pd *p)
{
	struct stat sb;
	int r = raw_fstat(p->fd, &sb);

	if (r == -ENOTCAPABLE)
		return true;
	return r == 0 && sb.st_dev == p->dev && sb.st_ino == p->ino;
}

/*
 * FreeBSD reaps a child when its last descriptor is closed.  Here nobody
 * learns of that close: an entry whose number no longer holds D, and
 * whose child has exited, is reaped the next time the table is used.
 */
void pd_sweep(void)
{
	size_t k = 0;

	pd_lock();
	for (size_t i = 0; i < npds; i++) {
		struct pd *p = &pds[i];

		if (p->fd >= 0 && !holds(p))
			p->fd = -1;
		if (p->fd < 0 && !p->reaped) {
			siginfo_t si = {0};

			if (waitid((idtype_t)PD_P_PIDFD, (id_t)p->pidfd, &si,
			           WEXITED | WNOHANG | __WALL) != 0 ||
			    si.si_pid != 0)
				p->reaped = true;
		}
		if (p->fd < 0 && p->reaped) {
			close(p->pidfd);
			continue;
		}
		pds[k++] = *p;
	}
	npds = k;
	pd_unlock();
}

void pd_fix_stat(int fd, struct stat *sb)
{
	struct pollfd pf = {fd, POLLHUP, 0};
	struct pd p;
	bool alive;

	if (!S_ISSOCK(sb->st_mode) || !pd_lookup(fd, &p))
		return;
	alive = poll(&pf, 1, 0) == 0;
	/* Times: the socket's, made with the child.  The owner: the creator's. */
	sb->st_atim = sb->st_mtim = sb->st_ctim;
	sb->st_mode = alive ? S_IFREG | S_IRWXU : S_IFREG;
	if (!alive)
		sb->st_uid = sb->st_gid = 0;
	sb->st_dev = 0;
	sb->st_ino = 0;
	sb->st_nlink = 0;
	sb->st_rdev = 0;
	sb->st_size = 0;
	sb->st_blksize = 0;
	sb->st_blocks = 0;
}

int pd_limit(int fd, const cap_rights_t *rights)
{
	cap_rights_t r, cur;
	struct pd p;

	if (!pd_lookup(fd, &p) || p.pidfd < 0)
		return 0;
	if (cap_rights_get(p.pidfd, &cur) != 0)
		return -errno;
	cap_rights_init(&r);
	if (cap_rights_is_set(rights, CAP_PDKILL) && cap_rights_is_set(&cur, CAP_PDKILL))
		cap_rights_set(&r, CAP_PDKILL);
	if (cap_rights_is_set(rights, CAP_PDWAIT) && cap_rights_is_set(&cur, CAP_PDWAIT))
		cap_rights_set(&r, CAP_PDWAIT);
	return cap_rights_limit(p.pidfd, &r) == 0 ? 0 : -errno;
}
