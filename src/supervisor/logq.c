/*
 * The supervisor's report lines, written by a thread of their own (logq.h),
 * or at once where that cannot wait.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logq.h"

#define QUEUE (1u << 20) /* bytes: --learn records of a large program fit */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t more = PTHREAD_COND_INITIALIZER, empty = PTHREAD_COND_INITIALIZER;
static char queue[QUEUE];
static size_t head, used; /* the lines are queue[head, head + used), wrapping */
static unsigned long dropped;
static int out = -1;
static bool started, writing;

/* Take up to size queued bytes into buf: how many.  Under the lock. */
static size_t take(char *buf, size_t size)
{
	size_t n = used < size ? used : size, first = QUEUE - head < n ? QUEUE - head : n;

	memcpy(buf, queue + head, first);
	memcpy(buf + first, queue, n - first);
	head = (head + n) % QUEUE;
	used -= n;
	return n;
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* gone, or not writable: the lines are lost */
		buf += w;
		n -= (size_t)w;
	}
}

static void *writer(void *arg)
{
	static char buf[65536];

	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		char note[96];
		size_t n, m = 0;
		int fd;

		while (used == 0 && dropped == 0) {
			pthread_cond_broadcast(&empty);
			pthread_cond_wait(&more, &lock);
		}
		n = take(buf, sizeof(buf));
		if (dropped && used == 0) {
			m = (size_t)snprintf(note, sizeof(note),
			                     "capsicum: %lu report lines dropped (a full queue)\n",
			                     dropped);
			dropped = 0;
		}
		fd = out;
		writing = true;
		pthread_mutex_unlock(&lock);
		if (fd >= 0) {
			write_all(fd, buf, n);
			write_all(fd, note, m);
		}
		pthread_mutex_lock(&lock);
		writing = false;
	}
	return NULL;
}

int logq_set(int fd)
{
	pthread_t t;
	int r = 0;

	pthread_mutex_lock(&lock);
	if (!started) {
		r = -pthread_create(&t, NULL, writer, NULL);
		if (r == 0) {
			pthread_detach(t);
			started = true;
		}
	}
	if (r == 0) {
		/* the writer may be using the old one: it is closed when unused */
		while (writing)
			pthread_cond_wait(&empty, &lock);
		if (out >= 0)
			close(out);
		out = fd;
	}
	pthread_mutex_unlock(&lock);
	return r;
}

/*
 * Whether a write of len bytes to fd would not wait: a line of at most
 * PIPE_BUF bytes to a descriptor that polls writable (a pipe with a free
 * page, a terminal with room, a file) is taken whole.
 */
static bool writable(int fd, size_t len)
{
	struct pollfd p = {fd, POLLOUT, 0};

	return len <= PIPE_BUF && poll(&p, 1, 0) == 1 && (p.revents & POLLOUT);
}

void logq_put(const char *line, size_t len)
{
	pthread_mutex_lock(&lock);
	if (!started || out < 0) {
		/* nowhere to go */
	} else if (used == 0 && dropped == 0 && !writing && writable(out, len)) {
		/*
		 * Written now, in order with what the program writes after the
		 * refused call returns; the writer thread is kept out meanwhile.
		 */
		int fd = out;

		writing = true;
		pthread_mutex_unlock(&lock);
		write_all(fd, line, len);
		pthread_mutex_lock(&lock);
		writing = false;
		pthread_cond_broadcast(&empty);
	} else if (len > QUEUE - used) {
		dropped++;
	} else {
		size_t tail = (head + used) % QUEUE,
		       first = QUEUE - tail < len ? QUEUE - tail : len;

		memcpy(queue + tail, line, first);
		memcpy(queue, line + first, len - first);
		used += len;
		pthread_cond_signal(&more);
	}
	pthread_mutex_unlock(&lock);
}

void logq_drain(int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	while (started && (used > 0 || writing))
		if (pthread_cond_timedwait(&empty, &lock, &until) != 0)
			break;
	pthread_mutex_unlock(&lock);
}
