/* The table of process descriptors this process made (procdesc.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include <sys/capsicum.h>

#include "../rights/state.h"
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

void pd_forget(void)
{
	lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	npds = 0;
}

/* fstat without libcapsicum's own fstat, which asks this table. */
static int raw_fstat(int fd, struct stat *sb)
{
	if (state_would_trap(fd, CAP_FSTAT))
		return -ENOTCAPABLE;
	return syscall(SYS_fstat, fd, sb) == 0 ? 0 : -errno;
}

/* getsockopt, where the descriptor's rights allow it without a trap. */
static int sockopt(int fd, int name, void *val, socklen_t *len)
{
	if (state_would_trap(fd, CAP_GETSOCKOPT)) {
		errno = ENOTCAPABLE;
		return -1;
	}
	return getsockopt(fd, SOL_SOCKET, name, val, len);
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

/* The start of a small /proc file, NUL-terminated: 0 or -errno. */
static int read_proc(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int f = open(path, O_RDONLY | O_CLOEXEC);

	if (f < 0)
		return -errno;
	n = read(f, buf, size - 1);
	close(f);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return 0;
}

/*
 * fd's inode: fstat, or where its rights forbid that, /proc/self/fdinfo
 * (which needs none).
 */
static int inode_of(int fd, struct stat *sb)
{
	char path[64], buf[512], *ino;
	int r = raw_fstat(fd, sb);

	if (r != -ENOTCAPABLE)
		return r;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if ((r = read_proc(path, buf, sizeof(buf))) != 0)
		return r;
	if ((ino = strstr(buf, "\nino:")) == NULL)
		return -EIO;
	sb->st_ino = (ino_t)strtoull(ino + 5, NULL, 10);
	return 0;
}

/*
 * What sock_diag says of the unix socket with inode ino: the attribute
 * attr (UNIX_DIAG_PEER, UNIX_DIAG_NAME) copied to out, up to size bytes.
 * 1 if it has one, 0 if not, or -errno.
 */
static int unix_diag(unsigned ino, unsigned show, int attr, void *out, size_t size)
{
	struct {
		struct nlmsghdr h;
		struct unix_diag_req r;
	} req = {{sizeof(req), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, 1, 0},
	         {.sdiag_family = AF_UNIX,
	          .udiag_states = ~0u,
	          .udiag_ino = ino,
	          .udiag_show = show,
	          .udiag_cookie = {INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE}}};
	char buf[1024];
	ssize_t n;
	int nl, r = -ENOENT;

	if ((nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) < 0)
		return -errno;
	if (send(nl, &req, sizeof(req), 0) != (ssize_t)sizeof(req) ||
	    (n = recv(nl, buf, sizeof(buf), 0)) < 0) {
		r = -errno;
		close(nl);
		return r;
	}
	close(nl);
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
	     h = NLMSG_NEXT(h, n)) {
		struct unix_diag_msg *m = NLMSG_DATA(h);
		int len = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));

		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || len < 0)
			break;
		r = 0; /* the socket exists */
		for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len);
		     a = RTA_NEXT(a, len))
			if (a->rta_type == attr) {
				size_t got = RTA_PAYLOAD(a);

				memcpy(out, RTA_DATA(a), got < size ? got : size);
				r = 1;
			}
	}
	return r;
}

/*
 * The inode of the socket at the other end of fd, which must be a
 * socketpair's: neither end has a name, where a connection's server end
 * bears its listener's.  0 or -errno.
 */
static int peer_ino(int fd, unsigned *peer)
{
	char name[128];
	struct stat sb;
	int r;

	if ((r = inode_of(fd, &sb)) != 0)
		return r;
	if ((r = unix_diag((unsigned)sb.st_ino, UDIAG_SHOW_PEER, UNIX_DIAG_PEER, peer,
	                   sizeof(*peer))) != 1)
		return r < 0 ? r : -ENOENT;
	if ((r = unix_diag((unsigned)sb.st_ino, UDIAG_SHOW_NAME, UNIX_DIAG_NAME, name,
	                   sizeof(name))) != 0 ||
	    (r = unix_diag(*peer, UDIAG_SHOW_NAME, UNIX_DIAG_NAME, name, sizeof(name))) != 0)
		return r < 0 ? r : -EPERM;
	return 0;
}

/* Whether process pid holds the socket with inode ino: 1, 0, or -errno. */
static int holds_socket(pid_t pid, unsigned ino)
{
	char dir[64], path[64 + 256], link[64], want[32];
	struct dirent *e;
	int found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	snprintf(want, sizeof(want), "socket:[%u]", ino);
	if ((d = opendir(dir)) == NULL)
		return -errno;
	while (!found && (e = readdir(d)) != NULL) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = strcmp(link, want) == 0;
		}
	}
	closedir(d);
	return found;
}

/* The parent of process pid (/proc/PID/stat), or -errno. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((r = read_proc(path, buf, sizeof(buf))) != 0)
		return r;
	/* "pid (comm) state ppid ...": comm may hold anything, so from the last ')' */
	if ((p = strrchr(buf, ')')) == NULL)
		return -EIO;
	return (pid_t)strtol(p + 3, NULL, 10);
}

/*
 * Whether pid, read from a descriptor this process did not make, names
 * its child.  Anyone may set a socket's SO_RCVLOWAT, and any server holds
 * the other end of a connection made to it; but pdfork makes a pair, whose
 * ends have no name (a connection's server end bears its listener's), the
 * process that made the pair (SO_PEERCRED, set by the kernel) is the
 * child's parent, and the child holds the other end.  Where that
 * cannot be seen (capability mode: no netlink, no /proc), only a child of
 * this process made by this process is believed, whose pid is not reused
 * before this process reaps it.
 */
bool pd_verify(int fd, pid_t pid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	siginfo_t si;
	unsigned peer = 0;
	int r;

	if (sockopt(fd, SO_PEERCRED, &cred, &len) != 0 || cred.pid <= 0)
		return false;
	r = peer_ino(fd, &peer);
	if (r == -EPERM || r == -ENOENT)
		return false; /* a named socket's end, or no peer: no pair of pdfork's */
	if (r == 0 && (r = holds_socket(pid, peer)) >= 0)
		return r == 1 && parent_of(pid) == cred.pid;
	return cred.pid == getpid() &&
	       waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0;
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
	/*
	 * Not made here.  The kernel's process descriptor is a pidfd, which
	 * cannot name another process than its own: any pidfd will do.
	 */
	if (pd_native_pid(fd, &pid) == 0) {
		*out = (struct pd){.fd = fd, .pid = pid, .pidfd = -1, .native = true};
		return true;
	}
	/* An emulated one carries its mark and the child's pid. */
	if (sockopt(fd, SO_PEEK_OFF, &mark, &len) != 0 || mark != PD_MARK)
		return false;
	len = sizeof(int);
	if (sockopt(fd, SO_RCVLOWAT, &pid, &len) != 0 || pid <= 0 || !pd_verify(fd, pid))
		return false;
	*out = (struct pd){.fd = fd, .pid = pid, .pidfd = -1};
	return true;
}

int pd_add(int fd, pid_t pid, int pidfd, bool native)
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
	pds[npds++] = (struct pd){fd, sb.st_dev, sb.st_ino, pid, pidfd, native, false};
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
		if (p->native && p->fd < 0)
			continue; /* the kernel reaps its children itself */
		if (p->fd < 0 && !p->reaped) {
			siginfo_t si = {0};

			/* By pid: the pidfd may be limited, and the pid is ours until reaped. */
			if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | __WALL) != 0 ||
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

	/* A socket (emulated), or a pidfd: a file of no type (native). */
	if ((!S_ISSOCK(sb->st_mode) && (sb->st_mode & S_IFMT) != 0) || !pd_lookup(fd, &p))
		return;
	/* A pidfd polls POLLIN from the exit, POLLHUP once the child is released. */
	pf.events = p.native ? POLLIN : POLLHUP;
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

int pd_limit(int fd, cap_rights_t *rights)
{
	cap_rights_t r, cur;
	struct pd p;

	if (!pd_lookup(fd, &p) || p.native)
		return 0; /* a pidfd's calls have rights of their own (rights/fdrules.c) */
	/*
	 * The socket underneath must not be shut down (its hang-up kills the
	 * child: pdkill without CAP_PDKILL) nor have its pid rewritten; the
	 * library reads the pid with getsockopt, so that stays if it was.
	 */
	cap_rights_clear(rights, CAP_SHUTDOWN, CAP_SETSOCKOPT);
	if (cap_rights_get(fd, &cur) == 0 && cap_rights_is_set(&cur, CAP_GETSOCKOPT))
		cap_rights_set(rights, CAP_GETSOCKOPT);
	if (p.pidfd < 0)
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
