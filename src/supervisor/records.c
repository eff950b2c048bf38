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

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *entries;
static size_t count, cap;

static int grow(void)
{
	size_t ncap = cap ? 2 * cap : 16;
	struct entry *n = reallocarray(entries, ncap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	entries = n;
	cap = ncap;
	return 0;
}

bool records_any(void)
{
	bool any;

	pthread_mutex_lock(&lock);
	any = count > 0;
	pthread_mutex_unlock(&lock);
	return any;
}

/* The entry for fd's description: its index, -1 if none, or -errno - 1. */
static long find(int fd)
{
	pid_t self = getpid();

	for (size_t i = 0; i < count; i++) {
		long r = syscall(SYS_kcmp, self, self, KCMP_FILE, fd, entries[i].fd);

		if (r == 0)
			return (long)i;
		if (r < 0)
			return -(long)errno - 1;
	}
	return -1;
}

int records_limit(int fd, const struct fd_state *st)
{
	long i;
	int r = 0;

	pthread_mutex_lock(&lock);
	i = find(fd);
	if (i < -1) {
		r = (int)(i + 1);
		close(fd);
	} else if (i >= 0) {
		state_meet(&entries[i].rec.st, st);
		close(fd);
	} else if (count == MAX_RECORDS || (count == cap && grow() != 0)) {
		r = -ENOMEM;
		close(fd);
	} else {
		entries[count].fd = fd;
		entries[count].rec.st = *st;
		entries[count++].rec.restricted = true;
	}
	pthread_mutex_unlock(&lock);
	return r;
}

int records_get(int fd, struct record *out)
{
	long i;

	state_full(&out->st);
	out->restricted = false;
	pthread_mutex_lock(&lock);
	i = find(fd);
	if (i >= 0)
		*out = entries[i].rec;
	pthread_mutex_unlock(&lock);
	return i < -1 ? (int)(i + 1) : 0;
}
