/* Restricted descriptors in flight (ticket.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>

#include "ctl.h"
#include "ticket.h"

/*
 * Tickets never redeemed (a receiver that reads raw, or is not ours) keep
 * their file until the supervisor exits; the table is bounded, and past
 * it a restricted descriptor is refused (ENOTCAPABLE) as before.
 */
#define MAX_TICKETS 256

static struct {
	int ticket, file;
	struct fd_state st;
} tickets[MAX_TICKETS];
static int count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int new_ticket(void)
{
	int t = (int)syscall(SYS_memfd_create, "capsicum-ticket", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (t < 0)
		return -errno;
	if (fcntl(t, F_ADD_SEALS, TICKET_SEALS) != 0) {
		int err = -errno;

		close(t);
		return err;
	}
	return t;
}

int ticket_make(int file, const struct fd_state *st)
{
	int t = new_ticket(), kept, keep_file;

	if (t < 0)
		return t;
	kept = fcntl(t, F_DUPFD_CLOEXEC, 0);
	keep_file = fcntl(file, F_DUPFD_CLOEXEC, 0);
	pthread_mutex_lock(&lock);
	if (kept < 0 || keep_file < 0 || count == MAX_TICKETS) {
		pthread_mutex_unlock(&lock);
		if (kept >= 0)
			close(kept);
		if (keep_file >= 0)
			close(keep_file);
		close(t);
		return -ENOTCAPABLE;
	}
	tickets[count].ticket = kept;
	tickets[count].file = keep_file;
	tickets[count++].st = *st;
	pthread_mutex_unlock(&lock);
	return t;
}

/* The entry whose ticket is copy's file (under the lock): its index, or -1. */
static int find(int copy)
{
	pid_t self = getpid();

	for (int i = 0; i < count; i++)
		if (syscall(SYS_kcmp, self, self, KCMP_FILE, copy, tickets[i].ticket) == 0)
			return i;
	return -1;
}

/* Remove entry i (under the lock), giving back its file. */
static int drop(int i)
{
	int file = tickets[i].file;

	close(tickets[i].ticket);
	tickets[i] = tickets[--count];
	return file;
}

int ticket_restore(int ticket, int file, const struct fd_state *st)
{
	int kept = fcntl(ticket, F_DUPFD_CLOEXEC, 0), keep_file = fcntl(file, F_DUPFD_CLOEXEC, 0);
	int r = 0;

	pthread_mutex_lock(&lock);
	if (kept < 0 || keep_file < 0 || count == MAX_TICKETS) {
		r = -ENOMEM;
	} else {
		tickets[count].ticket = kept;
		tickets[count].file = keep_file;
		tickets[count++].st = *st;
	}
	pthread_mutex_unlock(&lock);
	if (r != 0) {
		if (kept >= 0)
			close(kept);
		if (keep_file >= 0)
			close(keep_file);
	}
	return r;
}

void ticket_cancel(int ticket)
{
	int i;

	pthread_mutex_lock(&lock);
	if ((i = find(ticket)) >= 0)
		close(drop(i));
	pthread_mutex_unlock(&lock);
}

int ticket_take(int copy, struct fd_state *st)
{
	int i, file = -EBADF;

	pthread_mutex_lock(&lock);
	if ((i = find(copy)) >= 0) {
		*st = tickets[i].st;
		file = drop(i);
	}
	pthread_mutex_unlock(&lock);
	return file;
}
