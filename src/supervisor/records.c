#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>

#include <sys/capsicum.h>

#include "records.h"

struct entry {
	int fd; /* the supervisor's copy */
	struct record rec;
};

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
};

/*
 * limits: what the library reported for descriptors below the slow range.
 * inherited: every limit on a slow number, met per description, for the
 * children that inherit the file (slow.c); it never judges the number it
 * was placed on, so narrowing a copy narrows no other copy.
 */
static struct table limits = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};
static struct table inherited = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

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

/* The entry for fd's description: its index, -1 if none, or -errno - 1. */
static long find(const struct table *tb, int fd)
{
	pid_t self = getpid();

	for (size_t i = 0; i < tb->count; i++) {
		long r = syscall(SYS_kcmp, self, self, KCMP_FILE, fd, tb->entries[i].fd);

		if (r == 0)
			return (long)i;
		if (r < 0)
			return -(long)errno - 1;
	}
	return -1;
}

static int narrow(struct table *tb, int fd, const struct fd_state *st)
{
	long i;
	int r = 0;

	pthread_mutex_lock(&tb->lock);
	i = find(tb, fd);
	if (i < -1) {
		r = (int)(i + 1);
		close(fd);
	} else if (i >= 0) {
		state_meet(&tb->entries[i].rec.st, st);
		close(fd);
	} else if (tb->count == MAX_RECORDS || (tb->count == tb->cap && grow(tb) != 0)) {
		r = -ENOMEM;
		close(fd);
	} else {
		tb->entries[tb->count].fd = fd;
		tb->entries[tb->count].rec.st = *st;
		tb->entries[tb->count++].rec.restricted = true;
	}
	pthread_mutex_unlock(&tb->lock);
	return r;
}

static int get(struct table *tb, int fd, struct record *out)
{
	long i;

	state_full(&out->st);
	out->restricted = false;
	pthread_mutex_lock(&tb->lock);
	i = find(tb, fd);
	if (i >= 0)
		*out = tb->entries[i].rec;
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
