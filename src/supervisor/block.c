/* Waiting on the caller's behalf (block.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "block.h"

/* Workers that may wait at once; the others keep serving. */
#define MAX_WAITING 16
/* How often a waiting worker checks that the caller still waits. */
#define POLL_MS 200

static atomic_int waiting;

void block_start(struct block *b, int sock, int option)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);

	*b = (struct block){{-1, 0}, false};
	if (option == 0 || getsockopt(sock, SOL_SOCKET, option, &tv, &len) != 0 ||
	    (tv.tv_sec == 0 && tv.tv_usec == 0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &b->deadline);
	b->deadline.tv_sec += tv.tv_sec;
	b->deadline.tv_nsec += tv.tv_usec * 1000;
	if (b->deadline.tv_nsec >= 1000000000) {
		b->deadline.tv_sec++;
		b->deadline.tv_nsec -= 1000000000;
	}
}

/* Milliseconds to wait now: POLL_MS, less if the deadline is nearer; -1 if it passed. */
static int slice(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	if (deadline->tv_sec < 0)
		return POLL_MS;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0)
		return -1;
	return ms < POLL_MS ? (int)ms : POLL_MS;
}

int block_wait(struct target *t, struct block *b, int fd, short events)
{
	struct pollfd pf = {fd, events, 0};
	int ms = slice(&b->deadline);

	if (ms < 0)
		return -EAGAIN;
	if (!b->counted) {
		if (atomic_fetch_add(&waiting, 1) >= MAX_WAITING) {
			atomic_fetch_sub(&waiting, 1);
			return -EAGAIN;
		}
		b->counted = true;
	}
	if (poll(&pf, 1, ms) < 0 && errno != EINTR)
		return -errno;
	return target_valid(t) ? 0 : -EINTR;
}

void block_end(struct block *b)
{
	if (b->counted)
		atomic_fetch_sub(&waiting, 1);
	b->counted = false;
}
