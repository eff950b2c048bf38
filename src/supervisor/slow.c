#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>

#include "slow.h"

#define SLOW_N         (SLOW_HI - SLOW_LO)
#define ANCESTRY_DEPTH 8

struct proc {
	pid_t pid;
	unsigned long gen;              /* tells this record from a later one at its address */
	int pidfd;                      /* tells this process from a later one with the same ID */
	int next;                       /* where the next search for a number starts */
	struct fd_state *st[SLOW_N];    /* judges calls; limits narrow it */
	struct fd_state *floor[SLOW_N]; /* the widest state it ever had: reuse must cover it */
	unsigned char busy[SLOW_N];     /* chosen, not yet installed */
	struct proc *link;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct proc *procs;
static bool routed; /* set once, before the workers start */
static unsigned long generation;

void slow_enable(bool on)
{
	routed = on;
}

bool slow_enabled(void)
{
	return routed;
}

static bool alive(const struct proc *p)
{
	struct pollfd pf = {p->pidfd, POLLIN, 0};

	return poll(&pf, 1, 0) == 0;
}

static void destroy(struct proc *p)
{
	for (int i = 0; i < SLOW_N; i++) {
		free(p->st[i]);
		free(p->floor[i]);
	}
	close(p->pidfd);
	free(p);
}

static void sweep(void)
{
	for (struct proc **pp = &procs; *pp;) {
		struct proc *p = *pp;

		if (alive(p)) {
			pp = &p->link;
		} else {
			*pp = p->link;
			destroy(p);
		}
	}
}

static struct proc *find(pid_t pid)
{
	for (struct proc *p = procs; p; p = p->link)
		if (p->pid == pid && alive(p))
			return p;
	return NULL;
}

static pid_t parent_of(pid_t pid)
{
	unsigned long long ppid;

	return status_number(pid, "PPid:", 10, &ppid) == 0 ? (pid_t)ppid : -1;
}

/* The slow numbers open in pid, as a bitmap; false if it cannot be listed. */
static bool open_slow(pid_t pid, unsigned char *open)
{
	char path[64];
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return false;
	while ((e = readdir(dir)) != NULL) {
		long n = strtol(e->d_name, NULL, 10);

		if (n >= SLOW_LO && n < SLOW_HI)
			open[n - SLOW_LO] = 1;
	}
	closedir(dir);
	return true;
}

static struct proc *get(pid_t pid, pid_t table, pid_t ppid, int depth);

/*
 * The state a child inherits for its number n from its parent's st: met
 * with the record of the file's description, which holds every limit any
 * process placed on it.  The process named as parent may not be the one
 * that forked the child (it may have died, the child been reparented); a
 * limit its real parent placed on its own copy still counts.  NULL when
 * it cannot be told.
 */
static struct fd_state *inherit(pid_t table, int n, const struct fd_state *st)
{
	struct fd_state *out = NULL;
	struct record rec;
	int pfd, file;

	if ((pfd = thread_pidfd(table)) < 0)
		return NULL;
	file = (int)syscall(SYS_pidfd_getfd, pfd, n, 0);
	close(pfd);
	if (file < 0)
		return NULL;
	if (records_get_inherited(file, &rec) == 0 && (out = malloc(sizeof(*out))) != NULL) {
		*out = *st;
		state_meet(out, &rec.st);
	}
	close(file);
	return out;
}

/*
 * Meet a process: the parent's states for the slow numbers that still
 * hold the parent's file, nothing for the others.  Its table is read
 * through thread `table` (the leader may be gone; every thread shares
 * the table, route.c).
 */
static struct proc *create(pid_t pid, pid_t table, pid_t ppid, int depth)
{
	unsigned char *open = calloc(SLOW_N, 1);
	struct proc *p = calloc(1, sizeof(*p)), *parent = NULL;
	bool any = false;

	if (p == NULL || open == NULL) {
		free(open);
		free(p);
		return NULL;
	}
	p->pid = pid;
	p->gen = ++generation;
	p->next = SLOW_LO;
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (p->pidfd < 0 || !open_slow(table, open)) {
		if (p->pidfd >= 0)
			close(p->pidfd);
		free(open);
		free(p);
		return NULL;
	}
	for (int i = 0; i < SLOW_N; i++) {
		if (open[i]) {
			p->next = SLOW_LO + i + 1;
			any = true;
		}
	}
	/* The ancestors matter only to a process that holds slow numbers. */
	if (any && depth < ANCESTRY_DEPTH && ppid > 0)
		parent = get(ppid, ppid, parent_of(ppid), depth + 1);
	for (int i = 0; parent && i < SLOW_N; i++) {
		int n = SLOW_LO + i;

		if (!open[i] || !parent->st[i] ||
		    syscall(SYS_kcmp, ppid, table, KCMP_FILE, n, n) != 0)
			continue;
		p->st[i] = inherit(table, n, parent->st[i]);
		if (p->st[i] && (p->floor[i] = malloc(sizeof(*p->floor[i]))) != NULL)
			*p->floor[i] = parent->floor[i] ? *parent->floor[i] : *p->st[i];
		else if (p->st[i]) {
			free(p->st[i]); /* without a floor, reuse could not be judged */
			p->st[i] = NULL;
		}
	}
	if (parent && parent->next > p->next)
		p->next = parent->next;
	free(open);
	/* Both may have changed meanwhile: only a process still alive counts. */
	if (!alive(p)) {
		destroy(p);
		return NULL;
	}
	p->link = procs;
	procs = p;
	return p;
}

static struct proc *get(pid_t pid, pid_t table, pid_t ppid, int depth)
{
	struct proc *p = find(pid);

	return p ? p : create(pid, table, ppid, depth);
}

/* The caller's process, under the lock; NULL if it cannot be known. */
static struct proc *caller(struct target *t)
{
	pid_t pid, ppid;

	if (target_family(t, &pid, &ppid) != 0)
		return NULL;
	if (!find(pid))
		sweep();
	return get(pid, t->tid, ppid, 0);
}

int slow_state(struct target *t, int fd, int copy, struct record *out)
{
	struct proc *p;
	int r = -ENOTCAPABLE;

	if (!slow_number((uint64_t)fd) || !routed)
		return records_get(copy, out) == 0 ? 0 : -ENOTCAPABLE;
	pthread_mutex_lock(&lock);
	p = caller(t);
	/*
	 * With a copy in hand, the state must be that copy's: another thread
	 * may have put a wider file on the number since the copy was taken
	 * (placements take this lock, so the number holds what it held when
	 * the state was set, unless it is still being placed).
	 */
	if (p && p->st[fd - SLOW_LO] &&
	    (copy < 0 || (!p->busy[fd - SLOW_LO] &&
	                  syscall(SYS_kcmp, t->tid, getpid(), KCMP_FILE, fd, copy) == 0))) {
		out->st = *p->st[fd - SLOW_LO];
		out->restricted = !state_is_full(&out->st);
		r = 0;
	}
	pthread_mutex_unlock(&lock);
	return r;
}

/* Whether the caller's number n holds a file. */
static bool occupied(pid_t pid, int n)
{
	return syscall(SYS_kcmp, pid, pid, KCMP_FILE, n, n) == 0;
}

/*
 * Whether number n may take a file in state st.  A call judged on what n
 * held before may still be on its way to the kernel; it must be allowed
 * on the new file as well, so the states a number takes only ever grow
 * (a daemon opening file after file beneath one directory reuses them).
 * The floor is the state a number was given, not what limits later made
 * of it: a call judged before the limit may still be on its way.  A
 * number whose state is unknown was never judged to allow anything.
 */
static bool usable(const struct proc *p, pid_t table, int n, const struct fd_state *st)
{
	const struct fd_state *old = p->floor[n - SLOW_LO];

	if (p->busy[n - SLOW_LO])
		return false;
	if (old != NULL) {
		struct fd_state m = *old;

		state_meet(&m, st);
		if (!state_equal(&m, old))
			return false;
	}
	/* The kernel may have put a file there (F_DUPFD just below the range). */
	return !occupied(table, n);
}

/*
 * The number to place on, under the lock: want, or the first usable number
 * at or above min, from where the last search ended.  Errors are those of
 * dup2 and F_DUPFD.
 */
static int choose(struct proc *p, pid_t table, int want, int min, const struct fd_state *st,
                  rlim_t soft)
{
	int lo, end = (rlim_t)SLOW_HI < soft ? SLOW_HI : (int)soft;

	if (want >= 0) {
		if ((rlim_t)want >= soft)
			return -EBADF;
		if (!slow_number((uint64_t)want) || !usable(p, table, want, st))
			return -ENOTCAPABLE;
		return want;
	}
	if (min > 0 && (rlim_t)min >= soft)
		return -EINVAL;
	lo = min > SLOW_LO ? min : SLOW_LO;
	for (int n = p->next > lo ? p->next : lo; n < end; n++)
		if (usable(p, table, n, st))
			return n;
	for (int n = lo; n < end && n < p->next; n++)
		if (usable(p, table, n, st))
			return n;
	return -EMFILE;
}

int slow_place(struct target *t, int file, const struct fd_state *st, int want, int min,
               bool cloexec)
{
	struct seccomp_notif_addfd add = {0};
	struct fd_state *copy, *floor;
	struct rlimit lim;
	struct proc *p;
	unsigned long gen = 0;
	int n, r;

	if (!routed)
		return -ENOTCAPABLE;
	/* The caller's own limit bounds the numbers it can be given. */
	if (prlimit(t->tid, RLIMIT_NOFILE, NULL, &lim) != 0)
		return -ESRCH;
	copy = malloc(sizeof(*copy));
	floor = malloc(sizeof(*floor));
	if (copy == NULL || floor == NULL) {
		free(copy);
		free(floor);
		return -ENOMEM;
	}
	*copy = *floor = *st;
	pthread_mutex_lock(&lock);
	if ((p = caller(t)) == NULL)
		n = -ENOTCAPABLE;
	else
		n = choose(p, t->tid, want, min, st, lim.rlim_cur);
	if (n >= 0) {
		/* Known before the caller can use it: another worker may judge it next. */
		free(p->st[n - SLOW_LO]);
		free(p->floor[n - SLOW_LO]);
		p->st[n - SLOW_LO] = copy;
		p->floor[n - SLOW_LO] = floor; /* it covers the old floor (usable) */
		p->busy[n - SLOW_LO] = 1;
		gen = p->gen;
		p->next = n + 1;
	} else {
		free(copy);
		free(floor);
	}
	pthread_mutex_unlock(&lock);
	if (n < 0)
		return n;
	/*
	 * Install first, answer after: the number stays busy until the table
	 * holds the file, and the caller must not run on (close it, ask for
	 * another copy there) while it still looks busy.
	 */
	add.id = t->id;
	add.flags = SECCOMP_ADDFD_FLAG_SETFD;
	add.srcfd = (uint32_t)file;
	add.newfd = (uint32_t)n;
	add.newfd_flags = cloexec ? O_CLOEXEC : 0;
	r = ioctl(t->lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0 ? -errno : 0;
	/* The table tells from now on, if p was not swept meanwhile. */
	pthread_mutex_lock(&lock);
	for (struct proc *q = procs; q; q = q->link)
		if (q == p && q->gen == gen)
			p->busy[n - SLOW_LO] = 0;
	pthread_mutex_unlock(&lock);
	if (r == 0) {
		struct seccomp_notif_resp resp = {.id = t->id, .val = n};

		(void)ioctl(t->lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return r;
}

void slow_meet(struct target *t)
{
	pthread_mutex_lock(&lock);
	(void)caller(t);
	pthread_mutex_unlock(&lock);
}

int slow_limit(struct target *t, int fd, const struct fd_state *st)
{
	struct proc *p;
	int r = -ENOTCAPABLE;

	pthread_mutex_lock(&lock);
	p = caller(t);
	if (p && p->st[fd - SLOW_LO]) {
		state_meet(p->st[fd - SLOW_LO], st);
		r = 0;
	}
	pthread_mutex_unlock(&lock);
	return r;
}
