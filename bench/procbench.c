/*
 * procbench: what a process descriptor costs, side by side with fork.
 *
 * The Capsicum paper's process rows in one run, each iteration a complete
 * life: create + the child's _exit (or exec of this binary with --exit,
 * which returns at once) + the parent reaps.
 *
 *	process   fork, vfork, pdfork, fork + exec, pdfork + exec; "pdfork,
 *	          close": the parent closes the descriptor instead of waiting
 *	          and the child (in pause()) is killed by the close.  Ratios:
 *	          each pdfork row against the fork row of the same kind.
 *	capmode   fork and pdfork in capability mode (after cap_enter)
 *	ablation  pdfork rebuilt from its parts without the library, to see
 *	          where its extra cost goes: raw clone(CLONE_PIDFD) with exit
 *	          signal 0 + waitid(P_PIDFD); + the socketpair and the parent's
 *	          set-up of it; + the child arming its end (F_DUPFD, F_SETSIG,
 *	          F_SETOWN, O_ASYNC, poll) -- pdfork minus its table; and a
 *	          raw clone after which the parent writes 8 pages it shares
 *	          with the child: the price of a copy-on-write fault
 *	pieces    the parts alone, in one process (no fork): the parent's
 *	          socket work, the child's arming, pdgetpid (the table lookup
 *	          pdwait4 makes), fstat (the table's identity check)
 *
 * Every configuration of the first three groups runs with a small parent
 * and with a parent that has touched 64 MiB of anonymous memory (fork's
 * cost grows with the page tables it copies).
 *
 * Every measurement runs in a fresh forked child, configurations in a
 * fresh random order each round, R rounds.  Each iteration of a timed loop
 * is timed on its own and a round's sample is the median iteration (the
 * mean is reported too); statistics are over rounds: median and the
 * 10th-90th percentile spread.  The ratio column is the median of the
 * per-round ratios of the two sides of a pair.  Minor page faults per
 * iteration are counted for the parent and its reaped children.  Each
 * measuring child also checks that its descriptor count stays flat over
 * the timed loop and that no child it made is left a zombie or alive.
 *
 *	procbench [-r rounds] [-n iterations] [-o summary.tsv]
 *	procbench --exit        (the helper exec'd by the exec rows)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <sys/capsicum.h>
#include <sys/procdesc.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#define P_PIDFD_    3
#define PD_MARK_    0x70646664 /* what pdfork marks D with (src/procdesc) */
#define MAX_ROUNDS  1000
#define MAX_CONFIGS 64
#define MAX_PIDS    100000
#define BIG_BYTES   (64L << 20)
#define COW_PAGES   8

enum op {
	OP_FORK,
	OP_VFORK,
	OP_PDFORK,
	OP_PDFORK_CLOSE,
	OP_FORK_EXEC,
	OP_PDFORK_EXEC,
	OP_RAW_CLONE,      /* clone(CLONE_PIDFD), exit signal 0, waitid(P_PIDFD) */
	OP_RAW_CLONE_SOCK, /* + socketpair, parent's set-up, child closes D */
	OP_RAW_CLONE_ARM,  /* + the child arms C */
	OP_RAW_CLONE_COW,  /* raw clone, the parent then writes COW_PAGES pages */
	OP_P_SOCK,         /* pieces: the parent's socket work */
	OP_P_ARM,          /* the child's arming */
	OP_P_PDGETPID,     /* pdgetpid on a live descriptor */
	OP_P_FSTAT,        /* fstat of a socket */
};

static const char *const op_name[] = {
    [OP_FORK] = "fork + _exit + waitpid",
    [OP_VFORK] = "vfork + _exit + waitpid",
    [OP_PDFORK] = "pdfork + _exit + pdwait4 + close",
    [OP_PDFORK_CLOSE] = "pdfork + close (child killed)",
    [OP_FORK_EXEC] = "fork + exec + waitpid",
    [OP_PDFORK_EXEC] = "pdfork + exec + pdwait4 + close",
    [OP_RAW_CLONE] = "clone(CLONE_PIDFD) + _exit + waitid",
    [OP_RAW_CLONE_SOCK] = "  + socketpair, parent set-up",
    [OP_RAW_CLONE_ARM] = "  + child arms C (pdfork without the table)",
    [OP_RAW_CLONE_COW] = "clone(CLONE_PIDFD), then the parent dirties 8 pages",
    [OP_P_SOCK] = "socketpair + set-up + close (parent)",
    [OP_P_ARM] = "arming C (child: dup, F_SETSIG, F_SETOWN, O_ASYNC, poll)",
    [OP_P_PDGETPID] = "pdgetpid (table lookup, as in pdwait4)",
    [OP_P_FSTAT] = "fstat syscall on D (the table's identity check)",
};

struct config {
	const char *group;
	enum op op;
	bool big;     /* the parent has touched 64 MiB */
	bool capmode; /* measured after cap_enter */
	int base;     /* the configuration this one is compared with, or -1 */
};

/* What a measuring child reports. */
struct result {
	double ns;         /* median of the iterations' times, < 0 on failure */
	double mean_ns;    /* mean of the iterations' times */
	double pflt, cflt; /* minor page faults per iteration: the parent's, the children's */
	int fd_delta;      /* descriptors after the timed loop minus before */
	int zombies;       /* children made in the loop, exited and not reaped */
	int alive;         /* children made in the loop still running */
	int alive_now;     /* the same at once after the loop, before a 20 ms pause */
	int swept_zombies, swept_fd_delta; /* the same after one more pdfork */
	long rss_kb;
};

static struct config configs[MAX_CONFIGS];
static int nconfigs;
static struct result results[MAX_CONFIGS][MAX_ROUNDS];
static long iters = 200;
static char self_exe[4096];
static pid_t pids[MAX_PIDS];
static double times[20 * MAX_PIDS]; /* the timed loop's iterations */
static char cow[COW_PAGES * 4096];  /* written after a clone: one COW fault a page */
static long npids;
static int fd_dir = -1;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* Open descriptors, from /proc/self/fd opened before cap_enter. */
static int count_fds(void)
{
	char buf[8192];
	int n = 0;
	long r;

	if (lseek(fd_dir, 0, SEEK_SET) != 0)
		return -1;
	while ((r = syscall(SYS_getdents64, fd_dir, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < r;) {
			struct dirent64 *d = (struct dirent64 *)(void *)(buf + off);

			if (d->d_name[0] != '.')
				n++;
			off += d->d_reclen;
		}
	}
	return r < 0 ? -1 : n;
}

/* Of the children made in the loop: how many are zombies, how many alive. */
static void count_children(int *zombies, int *alive)
{
	*zombies = *alive = 0;
	for (long i = 0; i < npids; i++) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pids[i], &si, WEXITED | WNOHANG | WNOWAIT | __WALL) != 0)
			continue; /* ECHILD: reaped */
		if (si.si_pid != 0)
			++*zombies;
		else
			++*alive;
	}
}

static void note_pid(pid_t p)
{
	if (npids < MAX_PIDS)
		pids[npids++] = p;
}

static long rss_kb(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	char *p;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strstr(buf, "VmRSS:");
	return p ? atol(p + 6) : -1;
}

static void reap(pid_t p)
{
	int st;

	if (p < 0 || waitpid(p, &st, 0) != p || st != 0)
		die("fork/waitpid");
}

/* The parent's work on the socketpair, as pdfork does it (src/procdesc/pdfork.c). */
static void sock_setup(int sv[2])
{
	int mark = PD_MARK_;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_PEEK_OFF, &mark, sizeof(mark)) != 0 ||
	    shutdown(sv[0], SHUT_WR) != 0 || fcntl(sv[1], F_SETOWN, getpid()) != 0)
		die("socket set-up");
}

static void sock_after_clone(int sv[2], pid_t pid)
{
	int lowat = (int)pid;

	close(sv[1]);
	if (setsockopt(sv[0], SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)) != 0 ||
	    fcntl(sv[0], F_SETFD, 0) != 0)
		die("socket set-up");
}

/* The child's arming of C, as pdfork's child does it; returns C's new number. */
static int arm(int c)
{
	struct pollfd pf;
	int k = fcntl(c, F_DUPFD, 1000), fl;

	if (k < 0)
		return -1;
	close(c);
	pf = (struct pollfd){k, POLLHUP, 0};
	if (fcntl(k, F_SETSIG, SIGKILL) != 0 || fcntl(k, F_SETOWN, getpid()) != 0 ||
	    (fl = fcntl(k, F_GETFL)) < 0 || fcntl(k, F_SETFL, fl | O_ASYNC) != 0 ||
	    poll(&pf, 1, 0) != 0)
		return -1;
	return k;
}

static void raw_clone_once(enum op op)
{
	int pidfd = -1, sv[2] = {-1, -1};
	siginfo_t si;
	long pid;

	if (op == OP_RAW_CLONE_SOCK || op == OP_RAW_CLONE_ARM)
		sock_setup(sv);
	pid = syscall(SYS_clone, CLONE_PIDFD, 0L, &pidfd, 0L, 0L);
	if (pid == 0) {
		if (op == OP_RAW_CLONE_SOCK || op == OP_RAW_CLONE_ARM) {
			close(sv[0]);
			if (op == OP_RAW_CLONE_ARM && arm(sv[1]) < 0)
				raise(SIGKILL);
		}
		syscall(SYS_exit_group, 0);
	}
	if (pid < 0)
		die("clone");
	note_pid((pid_t)pid);
	if (op == OP_RAW_CLONE_SOCK || op == OP_RAW_CLONE_ARM)
		sock_after_clone(sv, (pid_t)pid);
	for (int i = 0; op == OP_RAW_CLONE_COW && i < COW_PAGES; i++)
		((volatile char *)cow)[i * 4096]++;
	memset(&si, 0, sizeof(si));
	if (syscall(SYS_waitid, P_PIDFD_, pidfd, &si, WEXITED | __WALL, NULL) != 0 ||
	    si.si_code != CLD_EXITED || si.si_status != 0)
		die("waitid");
	close(pidfd);
	if (op == OP_RAW_CLONE_SOCK || op == OP_RAW_CLONE_ARM)
		close(sv[0]);
}

static void pdfork_once(bool exec, bool close_only)
{
	int fd = -1, st = -1;
	pid_t p = pdfork(&fd, 0);

	if (p == 0) {
		if (exec) {
			char *argv[] = {self_exe, "--exit", NULL};

			execv(self_exe, argv);
		} else if (close_only) {
			for (;;)
				pause();
		}
		_exit(exec ? 1 : 0);
	}
	if (p < 0)
		die("pdfork");
	note_pid(p);
	if (!close_only && (pdwait4(fd, &st, 0, NULL) != p || st != 0)) {
		fprintf(stderr, "pdwait4: pid %d status %#x: %s\n", (int)p, st, strerror(errno));
		exit(2);
	}
	close(fd);
}

static void once(enum op op)
{
	pid_t p;

	switch (op) {
	case OP_FORK:
		if ((p = fork()) == 0)
			_exit(0);
		note_pid(p);
		reap(p);
		break;
	case OP_VFORK:
		if ((p = vfork()) == 0)
			_exit(0);
		note_pid(p);
		reap(p);
		break;
	case OP_FORK_EXEC:
		if ((p = fork()) == 0) {
			char *argv[] = {self_exe, "--exit", NULL};

			execv(self_exe, argv);
			_exit(1);
		}
		note_pid(p);
		reap(p);
		break;
	case OP_PDFORK:
		pdfork_once(false, false);
		break;
	case OP_PDFORK_CLOSE:
		pdfork_once(false, true);
		break;
	case OP_PDFORK_EXEC:
		pdfork_once(true, false);
		break;
	default:
		raw_clone_once(op);
		break;
	}
}

/* In-process pieces: ns per call of the part named by op, timed one at a time. */
static double piece(enum op op, long n)
{
	double total = 0, *it = times;
	int sv[2], pd = -1, st;
	struct stat sb;
	pid_t pid = 0;

	if (op == OP_P_PDGETPID || op == OP_P_FSTAT) {
		/* A live child, its descriptor, and a table of one. */
		if ((pid = pdfork(&pd, 0)) == 0) {
			for (;;)
				pause();
		}
		if (pid < 0)
			die("pdfork");
	}
	for (long i = 0; i < n; i++) {
		double t0;
		pid_t got;
		int k;

		switch (op) {
		case OP_P_SOCK:
			t0 = now_ns();
			sock_setup(sv);
			sock_after_clone(sv, getpid());
			close(sv[0]);
			*it++ = now_ns() - t0;
			break;
		case OP_P_ARM:
			sock_setup(sv);
			t0 = now_ns();
			k = arm(sv[1]);
			*it++ = now_ns() - t0;
			if (k < 0)
				die("arm");
			/* C first: closing D while C is armed would kill us. */
			close(k);
			close(sv[0]);
			break;
		case OP_P_PDGETPID:
			t0 = now_ns();
			if (pdgetpid(pd, &got) != 0 || got != pid)
				die("pdgetpid");
			*it++ = now_ns() - t0;
			break;
		default:
			t0 = now_ns();
			if (syscall(SYS_fstat, pd, &sb) != 0)
				die("fstat");
			*it++ = now_ns() - t0;
			break;
		}
	}
	if (pd >= 0) {
		if (pdkill(pd, SIGKILL) != 0 || pdwait4(pd, &st, 0, NULL) != pid)
			die("pdkill");
		close(pd);
	}
	for (long i = 0; i < n; i++)
		total += times[i];
	return total / (double)n;
}

static bool is_piece(enum op op)
{
	return op >= OP_P_SOCK;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of x[0..n), which it sorts. */
static double median(double *x, long n)
{
	qsort(x, (size_t)n, sizeof(double), cmp);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/* One sample of configuration c, in this (forked) process. */
static struct result measure(const struct config *c)
{
	struct result r = {0};
	long warm = iters / 10 > 2 ? iters / 10 : 2;
	char *mem = NULL;
	struct rusage self0, self1, kids0, kids1;
	int fds, zombies;
	double t0;

	if (c->big) {
		mem = mmap(NULL, BIG_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		           0);
		if (mem == MAP_FAILED)
			die("mmap");
		for (long off = 0; off < BIG_BYTES; off += 4096)
			mem[off] = (char)off | 1;
	}
	memset(cow, 1, sizeof(cow));
	fd_dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
	if (fd_dir < 0)
		die("/proc/self/fd");
	r.rss_kb = rss_kb();
	if (c->capmode && cap_enter() != 0)
		die("cap_enter");
	if (is_piece(c->op)) {
		long n = iters * 20;

		piece(c->op, n / 10);
		fds = count_fds();
		r.mean_ns = piece(c->op, n);
		r.ns = median(times, n);
		r.fd_delta = count_fds() - fds;
		return r;
	}
	for (long i = 0; i < warm; i++) /* page cache, the helper binary, the table */
		once(c->op);
	/* Let the warm-up's killed children die, and a sweep take them. */
	if (c->op == OP_PDFORK_CLOSE) {
		usleep(20000);
		once(c->op);
	}
	npids = 0;
	fds = count_fds();
	getrusage(RUSAGE_SELF, &self0);
	getrusage(RUSAGE_CHILDREN, &kids0);
	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		double t1 = now_ns();

		once(c->op);
		times[i] = now_ns() - t1;
	}
	r.mean_ns = (now_ns() - t0) / (double)iters;
	getrusage(RUSAGE_SELF, &self1);
	getrusage(RUSAGE_CHILDREN, &kids1);
	r.pflt = (double)(self1.ru_minflt - self0.ru_minflt) / (double)iters;
	r.cflt = (double)(kids1.ru_minflt - kids0.ru_minflt) / (double)iters;
	r.ns = median(times, iters);
	count_children(&zombies, &r.alive_now);
	usleep(20000); /* a killed child takes a moment to die */
	r.fd_delta = count_fds() - fds;
	count_children(&r.zombies, &r.alive);
	/* The table is swept at the next pdfork: does that clean up? */
	if (c->op == OP_PDFORK || c->op == OP_PDFORK_CLOSE || c->op == OP_PDFORK_EXEC) {
		int a;

		pdfork_once(false, false);
		npids--;
		r.swept_fd_delta = count_fds() - fds;
		count_children(&r.swept_zombies, &a);
	}
	if (mem)
		munmap(mem, BIG_BYTES);
	return r;
}

static struct result in_child(const struct config *c)
{
	struct result v = {.ns = -1};
	int p[2], st;
	pid_t pid;

	if (pipe(p) != 0)
		die("pipe");
	pid = fork();
	if (pid == 0) {
		struct result r;

		close(p[0]);
		r = measure(c);
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	if (read(p[0], &v, sizeof(v)) != sizeof(v))
		v.ns = -1;
	close(p[0]);
	if (waitpid(pid, &st, 0) != pid || st != 0 || v.ns < 0) {
		fprintf(stderr, "%s / %s%s%s failed (status %#x)\n", c->group, op_name[c->op],
		        c->big ? ", 64 MiB" : "", c->capmode ? ", capability mode" : "", st);
		v.ns = NAN;
	}
	return v;
}

static double quantile(const double *sorted, int n, double q)
{
	double pos = q * (n - 1);
	int i = (int)pos;

	return i + 1 < n ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

static int add(const char *group, enum op op, bool big, bool capmode, int base)
{
	configs[nconfigs] = (struct config){group, op, big, capmode, base};
	return nconfigs++;
}

static void setup(void)
{
	for (int big = 0; big <= 1; big++) {
		int f = add("process", OP_FORK, big, false, -1), fe, cf, rc;

		add("process", OP_VFORK, big, false, f);
		add("process", OP_PDFORK, big, false, f);
		add("process", OP_PDFORK_CLOSE, big, false, f);
		fe = add("process", OP_FORK_EXEC, big, false, -1);
		add("process", OP_PDFORK_EXEC, big, false, fe);
		cf = add("capmode", OP_FORK, big, true, f);
		add("capmode", OP_PDFORK, big, true, cf);
		rc = add("ablation", OP_RAW_CLONE, big, false, f);
		add("ablation", OP_RAW_CLONE_SOCK, big, false, f);
		add("ablation", OP_RAW_CLONE_ARM, big, false, f);
		add("ablation", OP_RAW_CLONE_COW, big, false, rc);
	}
	add("pieces", OP_P_SOCK, false, false, -1);
	add("pieces", OP_P_ARM, false, false, -1);
	add("pieces", OP_P_PDGETPID, false, false, -1);
	add("pieces", OP_P_FSTAT, false, false, -1);
}

/* Median and 10th-90th percentile over the rounds that did not fail. */
struct stat3 {
	double med, p10, p90;
	int n;
};

static struct stat3 of(const double *x, int rounds)
{
	double s[MAX_ROUNDS];
	struct stat3 r = {NAN, NAN, NAN, 0};

	for (int i = 0; i < rounds; i++)
		if (isfinite(x[i]))
			s[r.n++] = x[i];
	if (r.n == 0)
		return r;
	qsort(s, (size_t)r.n, sizeof(double), cmp);
	r.med = quantile(s, r.n, 0.5);
	r.p10 = quantile(s, r.n, 0.1);
	r.p90 = quantile(s, r.n, 0.9);
	return r;
}

/* what: 0 the median iteration, 1 the mean, 2 the parent's faults, 3 the children's. */
static double pick(const struct result *v, int what)
{
	if (!isfinite(v->ns))
		return NAN;
	return what == 0 ? v->ns : what == 1 ? v->mean_ns : what == 2 ? v->pflt : v->cflt;
}

static struct stat3 over_rounds(int i, int rounds, int what)
{
	double x[MAX_ROUNDS];

	for (int r = 0; r < rounds; r++)
		x[r] = pick(&results[i][r], what);
	return of(x, rounds);
}

/* Per-round ratios of configuration i to its base. */
static struct stat3 ratio_rounds(int i, int rounds, int what)
{
	double x[MAX_ROUNDS];
	int b = configs[i].base;

	for (int r = 0; r < rounds; r++)
		x[r] = b < 0 ? NAN : pick(&results[i][r], what) / pick(&results[b][r], what);
	return of(x, rounds);
}

static const char *label(const struct config *c)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s%s", op_name[c->op], c->capmode ? " (capability mode)" : "");
	return buf;
}

int main(int argc, char **argv)
{
	int rounds = 10, opt, order[MAX_CONFIGS];
	const char *tsv = NULL;
	unsigned seed = (unsigned)time(NULL);
	FILE *out = NULL;
	bool odd = false;

	if (argc == 2 && strcmp(argv[1], "--exit") == 0)
		return 0;
	while ((opt = getopt(argc, argv, "r:n:o:")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			iters = atol(optarg);
			break;
		case 'o':
			tsv = optarg;
			break;
		default:
			fprintf(stderr, "usage: procbench [-r rounds] [-n iterations] [-o tsv]\n");
			return 2;
		}
	}
	if (rounds < 3 || rounds > MAX_ROUNDS || iters < 10 || iters > MAX_PIDS)
		return 2;
	if (readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1) < 0)
		die("readlink");
	setup();
	for (int i = 0; i < nconfigs; i++)
		order[i] = i;
	for (int r = 0; r < rounds; r++) {
		for (int i = nconfigs - 1; i > 0; i--) {
			int j = (int)(rand_r(&seed) % (unsigned)(i + 1)), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (int i = 0; i < nconfigs; i++)
			results[order[i]][r] = in_child(&configs[order[i]]);
	}
	if (tsv && !(out = fopen(tsv, "w")))
		die(tsv);
	if (out)
		fprintf(out, "group\tname\tparent\tmedian_ns\tp10_ns\tp90_ns\tratio\tratio_p10\t"
		             "ratio_p90\tmean_ns\tmean_ratio\tmean_ratio_p10\tmean_ratio_p90\t"
		             "parent_faults\tchild_faults\tbase\trounds\tfailed\n");
	/*
	 * Each round's sample is the median of its iterations (the machine is
	 * shared: a few preempted iterations move a mean far); the mean is
	 * reported beside it.  Ratios are medians of per-round ratios.
	 */
	printf("| group | measurement | parent | median | p10–p90 | ratio (p10–p90) | ratio of "
	       "means (p10–p90) | faults parent + child | against |\n");
	printf("|---|---|---|---:|---:|---:|---:|---:|---|\n");
	for (int i = 0; i < nconfigs; i++) {
		const struct config *c = &configs[i];
		struct stat3 m = over_rounds(i, rounds, 0), mm = over_rounds(i, rounds, 1);
		struct stat3 rt = ratio_rounds(i, rounds, 0), mr = ratio_rounds(i, rounds, 1);
		struct stat3 pf = over_rounds(i, rounds, 2), cf = over_rounds(i, rounds, 3);
		const char *size = is_piece(c->op) ? "—" : c->big ? "64 MiB" : "small";
		char base[160] = "", faults[64] = "";

		if (c->base >= 0)
			snprintf(base, sizeof(base), "%s", label(&configs[c->base]));
		if (!is_piece(c->op) && m.n > 0)
			snprintf(faults, sizeof(faults), "%.1f + %.1f", pf.med, cf.med);
		if (m.n == 0) {
			printf("| %s | %s | %s | failed | | | | | %s |\n", c->group, label(c), size,
			       base);
		} else {
			printf("| %s | %s | %s | %.0f ns | %.0f–%.0f | ", c->group, label(c), size,
			       m.med, m.p10, m.p90);
			if (rt.n > 0)
				printf("%.2f× (%.2f–%.2f) | %.2f× (%.2f–%.2f) |", rt.med, rt.p10,
				       rt.p90, mr.med, mr.p10, mr.p90);
			else
				printf(" | |");
			printf(" %s | %s |\n", faults, base);
		}
		if (out)
			fprintf(out,
			        "%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.4f\t%.4f\t%.4f\t%.1f\t%.4f\t%."
			        "4f\t%.4f\t%."
			        "2f\t%.2f\t%s\t%d\t%d\n",
			        c->group, label(c), size, m.med, m.p10, m.p90, rt.med, rt.p10,
			        rt.p90, mm.med, mr.med, mr.p10, mr.p90, pf.med, cf.med, base,
			        rounds, rounds - m.n);
	}
	/* Integrity: descriptors and children left over, per configuration. */
	printf("\nparent size (VmRSS, first round): ");
	for (int i = 0; i < nconfigs; i++)
		if (configs[i].op == OP_FORK && !configs[i].capmode)
			printf("%s %ld KiB  ", configs[i].big ? "64 MiB" : "small",
			       results[i][0].rss_kb);
	printf("\n");
	for (int i = 0; i < nconfigs; i++) {
		int fd = 0, z = 0, a = 0, sz = 0, sfd = 0, an = 0;

		for (int r = 0; r < rounds; r++) {
			const struct result *v = &results[i][r];

			if (!isfinite(v->ns))
				continue;
			fd = abs(v->fd_delta) > abs(fd) ? v->fd_delta : fd;
			z = v->zombies > z ? v->zombies : z;
			a = v->alive > a ? v->alive : a;
			an = v->alive_now > an ? v->alive_now : an;
			sz = v->swept_zombies > sz ? v->swept_zombies : sz;
			sfd = abs(v->swept_fd_delta) > abs(sfd) ? v->swept_fd_delta : sfd;
		}
		if (fd || z || a || sz || sfd) {
			if (!odd)
				printf("\nleft over after the timed loop (worst round; %ld "
				       "iterations):\n\n",
				       iters);
			odd = true;
			printf(
			    "* %s / %s, %s: descriptors %+d, zombies %d, alive %d (at once: %d); "
			    "after one more pdfork: descriptors %+d, zombies %d\n",
			    configs[i].group, label(&configs[i]),
			    configs[i].big ? "64 MiB" : "small", fd, z, a, an, sfd, sz);
		}
	}
	if (!odd)
		printf("\nno descriptor, zombie or live child left over in any configuration\n");
	if (out)
		fclose(out);
	return 0;
}
