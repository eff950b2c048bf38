/*
 * Restricted descriptors in flight (ticket.h).
 *
 * A ticket is one end of a unix stream socket pair; the supervisor keeps
 * the other end, shut for reading (the ticket can carry nothing to it),
 * and never a copy of the ticket itself.  When the last copy of the
 * ticket closes -- traded, closed by a receiver that could not trade it,
 * or discarded with an unread message -- the kept end reports the
 * hang-up, and the reaper thread lets the file go, as FreeBSD discards
 * the files of a message no one reads.  The supervisor knows a ticket by
 * its socket cookie, which no one can forge.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/socket.h>

#include "ctl.h"
#include "ticket.h"

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

/* Bounded: past it a restricted descriptor is refused (ENOTCAPABLE). */
#define MAX_TICKETS 256

static struct {
	uint64_t cookie; /* the ticket's */
	int kept;        /* our end of the pair */
	int file;
	bool taken; /* being redeemed: the file is placed or put back */
	struct fd_state st;
} tickets[MAX_TICKETS];
static int count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t reaper_once = PTHREAD_ONCE_INIT;
static int wake[2] = {-1, -1}; /* a byte: the table grew */

static int cookie_of(int sock, uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);

	return getsockopt(sock, SOL_SOCKET, SO_COOKIE, cookie, &len) == 0 ? 0 : -errno;
}

/* The entry of the ticket with this cookie (under the lock), or -1. */
static int find(uint64_t cookie)
{
	for (int i = 0; i < count; i++)
		if (tickets[i].cookie == cookie)
			return i;
	return -1;
}

/* Remove entry i (under the lock), closing what it kept. */
static void drop(int i)
{
	close(tickets[i].kept);
	close(tickets[i].file);
	tickets[i] = tickets[--count];
}

static bool hung_up(int fd)
{
	struct pollfd p = {fd, 0, 0};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

/* Drops every untaken entry whose ticket is gone (under the lock). */
static void reap(void)
{
	for (int i = count; i-- > 0;)
		if (!tickets[i].taken && hung_up(tickets[i].kept))
			drop(i);
}

/* Waits for hang-ups of kept ends (or a new entry) and reaps them. */
static void *reaper(void *arg)
{
	struct pollfd p[MAX_TICKETS + 1];
	char buf[64];

	(void)arg;
	for (;;) {
		int n = 0;

		pthread_mutex_lock(&lock);
		reap();
		for (int i = 0; i < count; i++)
			if (!tickets[i].taken)
				p[n++] = (struct pollfd){tickets[i].kept, 0, 0};
		pthread_mutex_unlock(&lock);
		p[n] = (struct pollfd){wake[0], POLLIN, 0};
		if (poll(p, (nfds_t)n + 1, -1) < 0 && errno != EINTR)
			return NULL;
		if (p[n].revents & POLLIN)
			(void)!read(wake[0], buf, sizeof(buf));
	}
}

static void start_reaper(void)
{
	pthread_attr_t attr;
	pthread_t th;

	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	if (pthread_create(&th, &attr, reaper, NULL) != 0) {
		close(wake[0]);
		close(wake[1]);
		wake[0] = wake[1] = -1;
	}
	pthread_attr_destroy(&attr);
}

static void wake_reaper(void)
{
	(void)!write(wake[1], "", 1);
}

/* A fresh pair: the ticket (marked) and our end, shut for reading. */
static int new_pair(int *kept, uint64_t *cookie)
{
	int sv[2], mark = TICKET_MARK, err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -errno;
	if (setsockopt(sv[0], SOL_SOCKET, SO_PEEK_OFF, &mark, sizeof(mark)) != 0 ||
	    shutdown(sv[1], SHUT_RD) != 0)
		err = -errno;
	else
		err = cookie_of(sv[0], cookie);
	if (err != 0) {
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	*kept = sv[1];
	return sv[0];
}

int ticket_make(int file, const struct fd_state *st)
{
	int kept = -1, keep_file, t;
	uint64_t cookie;

	pthread_once(&reaper_once, start_reaper);
	if (wake[1] < 0)
		return -ENOTCAPABLE; /* no reaper: tickets would keep files for ever */
	if ((t = new_pair(&kept, &cookie)) < 0)
		return -ENOTCAPABLE;
	keep_file = fcntl(file, F_DUPFD_CLOEXEC, 0);
	pthread_mutex_lock(&lock);
	if (keep_file < 0 || count == MAX_TICKETS) {
		pthread_mutex_unlock(&lock);
		if (keep_file >= 0)
			close(keep_file);
		close(kept);
		close(t);
		return -ENOTCAPABLE;
	}
	tickets[count].cookie = cookie;
	tickets[count].kept = kept;
	tickets[count].file = keep_file;
	tickets[count].taken = false;
	tickets[count++].st = *st;
	pthread_mutex_unlock(&lock);
	wake_reaper();
	return t;
}

void ticket_cancel(int ticket)
{
	uint64_t cookie;
	int i;

	if (cookie_of(ticket, &cookie) != 0)
		return;
	pthread_mutex_lock(&lock);
	if ((i = find(cookie)) >= 0 && !tickets[i].taken)
		drop(i);
	pthread_mutex_unlock(&lock);
}

int ticket_take(int copy, struct fd_state *st)
{
	int i, file = -EBADF;
	uint64_t cookie;

	if (cookie_of(copy, &cookie) != 0)
		return -EBADF;
	pthread_mutex_lock(&lock);
	if ((i = find(cookie)) >= 0 && !tickets[i].taken) {
		file = fcntl(tickets[i].file, F_DUPFD_CLOEXEC, 0);
		if (file < 0) {
			file = -errno;
		} else {
			*st = tickets[i].st;
			tickets[i].taken = true;
		}
	}
	pthread_mutex_unlock(&lock);
	return file;
}

/* The redeem of copy ended: placed (done) or not (the ticket stays good). */
void ticket_settle(int copy, bool placed)
{
	uint64_t cookie;
	int i;

	if (cookie_of(copy, &cookie) != 0)
		return;
	pthread_mutex_lock(&lock);
	if ((i = find(cookie)) >= 0) {
		if (placed)
			drop(i);
		else
			tickets[i].taken = false;
	}
	pthread_mutex_unlock(&lock);
	if (!placed)
		wake_reaper();
}
