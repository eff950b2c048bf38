#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/kcmp.h>

#include <sys/capsicum.h>

#include "../procdesc/procdesc.h"
#include "records.h"

/*
 * A record knows its description by the supervisor's copy, compared with
 * kcmp(KCMP_FILE) -- except for sockets, pipes and pidfds, whose copy must
 * not be kept: it would keep a connection or a pipe open after the program
 * closed it (no end of file for the peer; a process descriptor's child
 * never killed).  Those are known by their inode, which is the socket's own (one
 * description each), or the pipe's with the access mode (both ends share
 * it; a reopen through /proc merges with the end it reopens: stricter).
 * Socket inode numbers are not reused before the counter wraps.
 */
struct entry {
	int fd; /* the supervisor's copy, or -1: known by identity */
	dev_t dev;
	ino_t ino;
	int mode; /* O_ACCMODE of a pipe */
	struct record rec;
};

struct identity {
	bool weak; /* known by inode, not held */
	dev_t dev;
	ino_t ino;
	int mode;
};

/*
 * A pidfd: the kernel's process descriptor kills its child at its last
 * close (procdesc/native.c), which a copy held here would prevent.  pidfs
 * has one inode per process, shared by all its pidfds: they merge
 * (stricter).  Other files of no type share one inode among all of them.
 */
static bool is_pidfd(int fd, const struct stat *sb)
{
	struct statfs sf;

	return (sb->st_mode & S_IFMT) == 0 && fstatfs(fd, &sf) == 0 && sf.f_type == PD_PIDFS_MAGIC;
}

static int identify(int fd, struct identity *id)
{
	struct stat sb;
	int fl;

	*id = (struct identity){0};
	/* The system call: libcapsicum's fstat dresses process descriptors up as files. */
	if (syscall(SYS_fstat, fd, &sb) != 0)
		return -errno;
	if (!S_ISSOCK(sb.st_mode) && !S_ISFIFO(sb.st_mode) && !is_pidfd(fd, &sb))
		return 0;
	if ((fl = fcntl(fd, F_GETFL)) < 0)
		return -errno;
	*id = (struct identity){true, sb.st_dev, sb.st_ino,
	                        S_ISFIFO(sb.st_mode) ? fl & O_ACCMODE : 0};
	return 0;
}

/*
 * Any process may ask for records (they only narrow); a ceiling keeps one
 * from filling the supervisor's descriptor table.  Past it, limits are
 * enforced in the kernel alone (lookups and copies refused).
 */
#define MAX_RECORDS 4096

struct table {
	pthread_mutex_t lock;
	struct entry *entries;
	size_t count, cap;
	/*
	 * A limit could not be recorded: from then on a description without a
	 * record may be limited all the same (its filter is then the kernel's
	 * alone, which sees only registers), so none is judged unrestricted.
	 */
	bool overflowed;
};

/*
 * limits: what the library reported for descriptors below the slow range.
 * inherited: every limit on a slow number, met per description, for the
 * children that inherit the file (slow.c); it never judges the number it
 * was placed on, so narrowing a copy narrows no other copy.
 */
static struct table limits = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, false};
static struct table inherited = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, false};

static int grow(struct table *tb)
{
	size_t ncap = tb->cap ? 2 * tb->cap : 16;
	struct entry *n = reallocarray(tb->entries, ncap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	tb->entries = n;
	tb->cap = ncap;
	return 0;
}

bool records_any(void)
{
	bool any;

	pthread_mutex_lock(&limits.lock);
	any = limits.count > 0;
	pthread_mutex_unlock(&limits.lock);
	return any;
}

/* The entry for fd's description (identified as id): its index, -1 if none, or -errno - 1. */
static long find(const struct table *tb, int fd, const struct identity *id)
{
	pid_t self = getpid();

	for (size_t i = 0; i < tb->count; i++) {
		const struct entry *e = &tb->entries[i];
		long r;

		if (e->fd < 0) {
			if (id->weak && e->dev == id->dev && e->ino == id->ino &&
			    e->mode == id->mode)
				return (long)i;
			continue;
		}
		if (id->weak)
			continue;
		r = syscall(SYS_kcmp, self, self, KCMP_FILE, fd, e->fd);
		if (r == 0)
			return (long)i;
		if (r < 0)
			return -(long)errno - 1;
	}
	return -1;
}

static int narrow(struct table *tb, int fd, const struct fd_state *st)
{
	struct identity id;
	long i;
	int r = identify(fd, &id);

	if (r != 0) {
		close(fd);
		return r;
	}
	pthread_mutex_lock(&tb->lock);
	i = find(tb, fd, &id);
	if (i < -1) {
		r = (int)(i + 1);
		close(fd);
	} else if (i >= 0) {
		state_meet(&tb->entries[i].rec.st, st);
		close(fd);
	} else if (tb->count == MAX_RECORDS || (tb->count == tb->cap && grow(tb) != 0)) {
		r = -ENOMEM;
		tb->overflowed = true;
		close(fd);
	} else {
		struct entry *e = &tb->entries[tb->count++];

		*e = (struct entry){fd, id.dev, id.ino, id.mode, {*st, true}};
		if (id.weak) {
			e->fd = -1;
			close(fd);
		}
	}
	pthread_mutex_unlock(&tb->lock);
	return r;
}

static int get(struct table *tb, int fd, struct record *out)
{
	struct identity id;
	long i;
	int r = identify(fd, &id);

	state_full(&out->st);
	out->restricted = false;
	if (r != 0)
		return r;
	pthread_mutex_lock(&tb->lock);
	i = find(tb, fd, &id);
	if (i >= 0)
		*out = tb->entries[i].rec;
	else if (i == -1 && tb->overflowed)
		i = -ENOTCAPABLE - 1;
	pthread_mutex_unlock(&tb->lock);
	return i < -1 ? (int)(i + 1) : 0;
}

int records_limit(int fd, const struct fd_state *st)
{
	return narrow(&limits, fd, st);
}

int records_get(int fd, struct record *out)
{
	return get(&limits, fd, out);
}

int records_limit_inherited(int fd, const struct fd_state *st)
{
	return narrow(&inherited, fd, st);
}

int records_get_inherited(int fd, struct record *out)
{
	return get(&inherited, fd, out);
}
