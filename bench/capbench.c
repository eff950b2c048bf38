/*
 * capbench: what per-descriptor rights cost on hot system calls.
 *
 * Every cap_rights_limit() stacks one seccomp filter on the whole process
 * (there is no separate base filter: each filter carries the process-wide
 * rules itself), and filters can never be removed, so each configuration --
 * "K limited descriptors in the process" -- runs in its own forked child.
 * K = 0 is bare Linux: the library installs nothing before the first limit.
 * The parent never limits anything.  Configurations are run round-robin, in
 * a fresh random order each round, R rounds, so that noise on the machine
 * falls on all of them alike; every statistic is over rounds.
 *
 * In each child two descriptors on the same 1 MiB regular file are measured:
 *
 *	limited       T, limited to CAP_READ|CAP_WRITE|CAP_SEEK|CAP_FSTAT, the
 *	              rights every measured operation needs (none in bare)
 *	unrestricted  U, never limited
 *
 * The other K-1 limited descriptors ("bystanders", further opens of the same
 * file) come in two variants, which matter because the kernel skips all
 * filters for a system call that every filter allows without looking at its
 * arguments (the seccomp action cache):
 *
 *	same    bystanders hold the same rights as T: no filter has a rule for
 *	        read/write/pread64/lseek, so those calls take the cache;
 *	narrow  bystanders hold only CAP_FSTAT: every filter inspects the fd
 *	        argument of read/write/pread64/lseek, the common case in real
 *	        programs (any read-only plus any write-only descriptor does it).
 *
 * glibc's fstat() is newfstatat(fd, "", AT_EMPTY_PATH), which every rights
 * filter inspects, so fstat never takes the cache once a limit exists.
 *
 * Output: a summary TSV (-o), every sample (-O), and markdown tables on
 * standard output.  See docs/BENCHMARKS.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <sys/capsicum.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

#define FILE_SIZE  (1 << 20)
#define BIG        4096
#define MAX_K      200
#define MAX_CONFIG 32
#define MAX_ROUNDS 1000
#define MAX_PROG   4096  /* BPF_MAXINSNS */
#define BUDGET     32768 /* MAX_INSNS_PER_PATH: eBPF insns of all filters of a thread */
#define PROBE_T    100   /* descriptor numbers in get_filters() */
#define PROBE_U    101

enum op { OP_READ1, OP_READ4K, OP_WRITE1, OP_FSTAT, OP_LSEEK, OP_PREAD1, NOPS };
enum fdkind { FD_LIMITED, FD_PLAIN, NFDS };
enum variant { V_BARE, V_SAME, V_NARROW, NVARIANTS };

static const char *const op_name[NOPS] = {"read1", "read4k", "write1", "fstat", "lseek", "pread1"};
static const char *const fd_name[NFDS] = {"limited", "unrestricted"};
static const char *const variant_name[NVARIANTS] = {"bare", "same", "narrow"};

struct config {
	enum variant v;
	int k; /* limited descriptors in the process */
};

/* One timed loop, sent from a child to the parent. */
struct sample {
	int op, fdk, filters;
	long iters;
	double ns;
};

struct opts {
	int rounds, cpu, verbose;
	double min_ms;
	long min_iters;
	const char *dir, *out, *raw;
	int ks[MAX_CONFIG], nks;
	unsigned seed;
};

static char path[4096];
static pid_t parent_pid;
static long iters[NOPS];
static char buf[BIG];

static void die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	fprintf(stderr, "capbench: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, e ? ": %s\n" : "\n", strerror(e));
	exit(2);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void rewind_fd(int fd)
{
	if (lseek(fd, 0, SEEK_SET) != 0)
		die("lseek");
}

static void check(long got, long want, const char *what)
{
	if (got != want) {
		fprintf(stderr, "capbench: %s returned %ld (errno %d), expected %ld\n", what, got,
		        errno, want);
		_exit(3);
	}
}

/*
 * n calls of op on fd; returns the elapsed nanoseconds.  Sequential reads
 * and writes rewind every time they reach the end of the file (once per 256
 * calls for 4 KiB reads, never for 1-byte calls at the default counts).
 */
static double run_op(enum op op, int fd, long n)
{
	struct stat sb;
	long wrap = FILE_SIZE, k = 0;
	double t0, t1;

	rewind_fd(fd);
	t0 = now_ns();
	switch (op) {
	case OP_READ1:
		for (long i = 0; i < n; i++) {
			check(read(fd, buf, 1), 1, "read");
			if (++k == wrap)
				k = 0, rewind_fd(fd);
		}
		break;
	case OP_READ4K:
		wrap = FILE_SIZE / BIG;
		for (long i = 0; i < n; i++) {
			check(read(fd, buf, BIG), BIG, "read 4k");
			if (++k == wrap)
				k = 0, rewind_fd(fd);
		}
		break;
	case OP_WRITE1:
		for (long i = 0; i < n; i++) {
			check(write(fd, buf, 1), 1, "write");
			if (++k == wrap)
				k = 0, rewind_fd(fd);
		}
		break;
	case OP_FSTAT:
		for (long i = 0; i < n; i++)
			check(fstat(fd, &sb), 0, "fstat");
		break;
	case OP_LSEEK:
		for (long i = 0; i < n; i++)
			check(lseek(fd, 0, SEEK_SET), 0, "lseek");
		break;
	case OP_PREAD1:
		for (long i = 0; i < n; i++)
			check(pread(fd, buf, 1, 0), 1, "pread");
		break;
	default:
		abort();
	}
	t1 = now_ns();
	return t1 - t0;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		die("sched_setaffinity(%d)", cpu);
}

static int open_file(int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die("open %s", path);
	return fd;
}

static void target_rights(cap_rights_t *r)
{
	cap_rights_init(r, CAP_READ, CAP_WRITE, CAP_SEEK, CAP_FSTAT);
}

static void bystander_rights(enum variant v, cap_rights_t *r)
{
	if (v == V_NARROW)
		cap_rights_init(r, CAP_FSTAT);
	else
		target_rights(r);
}

/* "Seccomp_filters:" from /proc/self/status, -1 if the kernel lacks it. */
static int filter_count(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * Limit T and then k-1 bystanders; returns how many limits succeeded (the
 * first failure's errno in *err).  Descriptors are left open on purpose.
 */
static int limit_fds(enum variant v, int t, int k, int *err)
{
	cap_rights_t rt, rb;
	int i;

	target_rights(&rt);
	bystander_rights(v, &rb);
	*err = 0;
	for (i = 0; i < k; i++) {
		int fd = i == 0 ? t : open_file(O_RDWR);

		if (cap_rights_limit(fd, i == 0 ? &rt : &rb) != 0) {
			*err = errno;
			break;
		}
	}
	return i;
}

/* The limits are really in force, and the measured calls are allowed. */
static void verify(enum variant v, int t, int u, int k)
{
	cap_rights_t got, want;

	if (k == 0)
		return;
	target_rights(&want);
	if (cap_rights_get(t, &got) != 0 || !cap_rights_contains(&want, &got) ||
	    !cap_rights_contains(&got, &want))
		die("cap_rights_get on the limited descriptor disagrees");
	errno = 0;
	if (ftruncate(t, FILE_SIZE) == 0 || errno != ENOTCAPABLE)
		die("ftruncate on the limited descriptor was not refused with ENOTCAPABLE");
	errno = 0;
	if (ftruncate(u, FILE_SIZE) != 0)
		die("ftruncate on the unrestricted descriptor failed");
	if (v == V_NARROW && k > 1) {
		errno = 0;
		if (read(u + 1, buf, 1) != -1 || errno != ENOTCAPABLE)
			die("read on a CAP_FSTAT-only bystander was not refused with ENOTCAPABLE");
	}
}

static void send_sample(int out, const struct sample *s)
{
	if (write(out, s, sizeof(*s)) != (ssize_t)sizeof(*s))
		die("write to parent");
}

/* The body of one configuration's child: set up, measure every op on both fds. */
static void child_config(const struct config *c, int round, int cpu, int out)
{
	int t, u, err, done, filters;

	pin(cpu);
	t = open_file(O_RDWR);
	u = open_file(O_RDWR); /* u + 1 is the first bystander */
	done = limit_fds(c->v, t, c->k, &err);
	if (done != c->k) {
		errno = err;
		die("%s K=%d: limit %d failed", variant_name[c->v], c->k, done + 1);
	}
	verify(c->v, t, u, c->k);
	filters = filter_count();
	for (int j = 0; j < NOPS; j++) {
		enum op op = (enum op)((j + round) % NOPS);

		for (int f = 0; f < NFDS; f++) {
			int fdk = (f + round) % NFDS;
			int fd = fdk == FD_LIMITED ? t : u;
			struct sample s = {op, fdk, filters, iters[op], 0};

			run_op(op, fd, iters[op] / 10 + 1); /* warm up */
			s.ns = run_op(op, fd, iters[op]);
			send_sample(out, &s);
		}
	}
}

typedef void (*child_fn)(const void *arg, int out);

/* Fork, run fn in the child with a pipe to us, collect up to max samples. */
static int in_child(child_fn fn, const void *arg, struct sample *got, int max)
{
	int p[2], st, n = 0;
	pid_t pid;
	ssize_t r;

	if (pipe(p) != 0)
		die("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		fn(arg, p[1]);
		_exit(0);
	}
	close(p[1]);
	while (n < max && (r = read(p[0], &got[n], sizeof(got[n]))) == (ssize_t)sizeof(got[n]))
		n++;
	close(p[0]);
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		errno = 0;
		die("child failed (status 0x%x)", st);
	}
	return n;
}

struct config_arg {
	const struct config *c;
	int round, cpu;
};

static void config_trampoline(const void *arg, int out)
{
	const struct config_arg *a = arg;

	child_config(a->c, a->round, a->cpu, out);
}

/* Iteration counts: at least min_iters, and at least min_ms of bare time. */
static void calibrate_child(const void *arg, int out)
{
	const struct opts *o = arg;
	int fd;

	pin(o->cpu);
	fd = open_file(O_RDWR);
	for (int op = 0; op < NOPS; op++) {
		struct sample s = {op, FD_PLAIN, 0, 20000, 0};

		run_op((enum op)op, fd, 2000);
		s.ns = run_op((enum op)op, fd, s.iters);
		send_sample(out, &s);
	}
}

static void calibrate(const struct opts *o)
{
	struct sample s[NOPS];

	if (in_child(calibrate_child, o, s, NOPS) != NOPS)
		die("calibration");
	for (int i = 0; i < NOPS; i++) {
		double per = s[i].ns / (double)s[i].iters;
		long n = (long)ceil(o->min_ms * 1e6 / per);

		n = n < o->min_iters ? o->min_iters : n;
		iters[s[i].op] = (n + 9999) / 10000 * 10000;
	}
}

/*
 * The largest number of limited descriptors each variant allows: filters
 * share a budget of 32768 instructions per thread.  Sends {k, errno}.
 */
static void probe_child(const void *arg, int out)
{
	enum variant v = *(const enum variant *)arg;
	int err, t = open_file(O_RDWR);
	struct sample s = {0};

	s.iters = limit_fds(v, t, MAX_K, &err);
	s.filters = err;
	send_sample(out, &s);
}

/* A filter as read back from the kernel. */
struct prog {
	long len;
	struct sock_filter insn[MAX_PROG];
};

/*
 * The filters of a child that limited T (moved to PROBE_T) and one bystander,
 * read back with ptrace (needs CAP_SYS_ADMIN): p[0] is T's filter, p[1] the
 * bystander's.  Returns how many filters the child has (2: no other filter).
 */
static int get_filters(enum variant v, struct prog p[2])
{
	pid_t pid;
	int st, n = -1;

	p[0].len = p[1].len = -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int err, t = open_file(O_RDWR);

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0 || dup2(t, PROBE_T) != PROBE_T)
			_exit(1);
		close(t);
		if (limit_fds(v, PROBE_T, 2, &err) != 2)
			_exit(1);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st)) {
		/* Index 0 is the oldest filter. */
		for (n = 0; n < 8; n++) {
			long len = ptrace((enum __ptrace_request)PTRACE_SECCOMP_GET_FILTER, pid,
			                  (void *)(long)n, NULL);

			if (len < 0)
				break;
			if (n < 2 && len <= MAX_PROG)
				p[n].len = ptrace((enum __ptrace_request)PTRACE_SECCOMP_GET_FILTER,
				                  pid, (void *)(long)n, p[n].insn);
		}
		kill(pid, SIGKILL);
	}
	waitpid(pid, &st, 0);
	return n;
}

/*
 * What the kernel charges a filter against the budget: its length after
 * bpf_convert_filter() (net/core/filter.c) turned it into eBPF.  The
 * conversion adds a 3-instruction prologue, makes every return two
 * instructions (mov, exit), adds a mov before a jump on an immediate
 * >= 2^31, and a ja after a conditional jump that falls through on
 * neither branch (jf != 0, and jt != 0 or the op has no inverse).
 * seccomp_attach_filter() then adds 4 per filter already installed.
 */
static long ebpf_len(const struct prog *p)
{
	long n = 3;

	for (long i = 0; i < p->len; i++) {
		const struct sock_filter *f = &p->insn[i];

		if (BPF_CLASS(f->code) == BPF_RET) {
			n += 2;
		} else if (BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) != BPF_JA) {
			n += 1 + (BPF_SRC(f->code) == BPF_K && (int32_t)f->k < 0);
			if (f->jf != 0 && (f->jt != 0 || BPF_OP(f->code) == BPF_JSET))
				n++;
		} else {
			n++;
		}
	}
	return n;
}

/* Most filters that fit: the limited fd's, then bystanders. */
static int predicted_max(const struct prog p[2])
{
	long total = 0;
	int k = 0;

	if (p[0].len < 0 || p[1].len < 0)
		return -1;
	while (k < 100000 && total + ebpf_len(&p[k ? 1 : 0]) <= BUDGET) {
		total += ebpf_len(&p[k ? 1 : 0]) + 4;
		k++;
	}
	return k;
}

/*
 * A small classic BPF interpreter (the subset the filters use), to show the
 * path a measured call takes through one filter: how many instructions, and
 * whether an argument is loaded.  A filter that loads no argument for a
 * system call lets the kernel's action cache skip it (all filters must).
 */
struct path {
	uint32_t ret;
	int insns;
	bool args;
};

static struct path bpf_path(const struct prog *p, long nr, const uint64_t a[6])
{
	uint32_t w[16] = {(uint32_t)nr, 0, 0x401000, 0};
	uint32_t acc = 0;
	struct path r = {0xffffffff, 0, false};

#if defined(__x86_64__)
	w[1] = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	w[1] = AUDIT_ARCH_AARCH64;
#endif
	for (int i = 0; i < 6; i++)
		w[4 + 2 * i] = (uint32_t)a[i], w[5 + 2 * i] = (uint32_t)(a[i] >> 32);
	for (long pc = 0; pc >= 0 && pc < p->len && r.insns < MAX_PROG; pc++) {
		const struct sock_filter *f = &p->insn[pc];
		bool c;

		r.insns++;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k >= sizeof(w) || f->k % 4)
				return r.insns = -1, r;
			acc = w[f->k / 4];
			r.args |= f->k >= 8;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			acc &= f->k;
			continue;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			continue;
		case BPF_RET | BPF_K:
			r.ret = f->k;
			return r;
		case BPF_JMP | BPF_JEQ | BPF_K:
			c = acc == f->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			c = acc > f->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			c = acc >= f->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			c = (acc & f->k) != 0;
			break;
		default:
			return r.insns = -1, r;
		}
		pc += c ? f->jt : f->jf;
	}
	r.insns = -1;
	return r;
}

/* The system call each op makes (glibc's fstat is newfstatat(fd, "", sb, AT_EMPTY_PATH)). */
static void op_call(enum op op, int fd, long *nr, uint64_t a[6])
{
	uint64_t b = (uint64_t)(uintptr_t)buf;

	memset(a, 0, 6 * sizeof(a[0]));
	a[0] = (uint64_t)fd;
	switch (op) {
	case OP_READ1:
	case OP_READ4K:
		*nr = SYS_read, a[1] = b, a[2] = op == OP_READ1 ? 1 : BIG;
		break;
	case OP_WRITE1:
		*nr = SYS_write, a[1] = b, a[2] = 1;
		break;
	case OP_FSTAT:
		*nr = SYS_newfstatat, a[1] = b, a[2] = b, a[3] = AT_EMPTY_PATH;
		break;
	case OP_LSEEK:
		*nr = SYS_lseek, a[1] = 0, a[2] = SEEK_SET;
		break;
	case OP_PREAD1:
		*nr = SYS_pread64, a[1] = b, a[2] = 1, a[3] = 0;
		break;
	default:
		abort();
	}
}

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Quantile q of n sorted values, linear interpolation (type 7). */
static double quantile(const double *v, int n, double q)
{
	double h = (n - 1) * q;
	int lo = (int)floor(h);

	if (n == 0)
		return NAN;
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}

struct stats {
	double med, q1, q3, min, max;
};

static struct stats summarize(const double *in, int n)
{
	double v[MAX_ROUNDS];
	struct stats s;

	memcpy(v, in, sizeof(double) * (size_t)n);
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	s.med = quantile(v, n, 0.5);
	s.q1 = quantile(v, n, 0.25);
	s.q3 = quantile(v, n, 0.75);
	s.min = n ? v[0] : NAN;
	s.max = n ? v[n - 1] : NAN;
	return s;
}

/* ---- driver ---- */

static struct config configs[MAX_CONFIG];
static int nconfigs;
static double ns[MAX_CONFIG][NOPS][NFDS][MAX_ROUNDS];
static int nfilters[MAX_CONFIG];

static unsigned rng(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void shuffle(int *order, int n, unsigned *seed)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(rng(seed) % (unsigned)(i + 1)), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
}

static void run_rounds(const struct opts *o)
{
	unsigned seed = o->seed ? o->seed : 1;
	int order[MAX_CONFIG];
	struct sample s[NOPS * NFDS];

	for (int i = 0; i < nconfigs; i++)
		order[i] = i;
	for (int r = 0; r < o->rounds; r++) {
		double t0 = now_ns();

		shuffle(order, nconfigs, &seed);
		for (int i = 0; i < nconfigs; i++) {
			int c = order[i];
			struct config_arg a = {&configs[c], r, o->cpu};

			if (in_child(config_trampoline, &a, s, NOPS * NFDS) != NOPS * NFDS)
				die("%s K=%d: short output", variant_name[configs[c].v],
				    configs[c].k);
			for (int j = 0; j < NOPS * NFDS; j++)
				ns[c][s[j].op][s[j].fdk][r] = s[j].ns / (double)s[j].iters;
			nfilters[c] = s[0].filters;
		}
		if (o->verbose)
			fprintf(stderr, "round %d/%d: %.1f s\n", r + 1, o->rounds,
			        (now_ns() - t0) / 1e9);
	}
}

static int bare_index(void)
{
	for (int i = 0; i < nconfigs; i++)
		if (configs[i].v == V_BARE)
			return i;
	abort();
}

/* Per-round paired difference against bare, then its statistics. */
static struct stats delta(int c, int op, int fdk, int rounds)
{
	double d[MAX_ROUNDS];
	int b = bare_index();

	for (int r = 0; r < rounds; r++)
		d[r] = ns[c][op][fdk][r] - ns[b][op][fdk][r];
	return summarize(d, rounds);
}

static void write_raw(const struct opts *o)
{
	FILE *f;

	if (o->raw == NULL)
		return;
	if ((f = fopen(o->raw, "w")) == NULL)
		die("%s", o->raw);
	fprintf(f, "round\tvariant\tk\tfilters\top\tfd\titers\tns_per_call\n");
	for (int r = 0; r < o->rounds; r++)
		for (int c = 0; c < nconfigs; c++)
			for (int op = 0; op < NOPS; op++)
				for (int fdk = 0; fdk < NFDS; fdk++)
					fprintf(f, "%d\t%s\t%d\t%d\t%s\t%s\t%ld\t%.3f\n", r,
					        variant_name[configs[c].v], configs[c].k,
					        nfilters[c], op_name[op], fd_name[fdk], iters[op],
					        ns[c][op][fdk][r]);
	fclose(f);
}

static void write_summary(const struct opts *o)
{
	FILE *f;
	int b = bare_index();

	if (o->out == NULL)
		return;
	if ((f = fopen(o->out, "w")) == NULL)
		die("%s", o->out);
	fprintf(f, "variant\tk\tfilters\top\tfd\titers\trounds\tmedian_ns\tq1_ns\tq3_ns\tmin_ns"
	           "\tmax_ns\tbare_median_ns\tdelta_ns\tdelta_q1_ns\tdelta_q3_ns\tdelta_pct"
	           "\tratio\n");
	for (int c = 0; c < nconfigs; c++)
		for (int op = 0; op < NOPS; op++)
			for (int fdk = 0; fdk < NFDS; fdk++) {
				struct stats s = summarize(ns[c][op][fdk], o->rounds);
				struct stats bs = summarize(ns[b][op][fdk], o->rounds);
				struct stats d = delta(c, op, fdk, o->rounds);

				fprintf(f,
				        "%s\t%d\t%d\t%s\t%s\t%ld\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f"
				        "\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.4f\n",
				        variant_name[configs[c].v], configs[c].k, nfilters[c],
				        op_name[op], fd_name[fdk], iters[op], o->rounds, s.med,
				        s.q1, s.q3, s.min, s.max, bs.med, d.med, d.q1, d.q3,
				        100.0 * d.med / bs.med, s.med / bs.med);
			}
	fclose(f);
}

/* Least-squares slope of the median against K, over the configs of v with K >= 1. */
static double slope(enum variant v, int op, int fdk, int rounds)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;

	for (int c = 0; c < nconfigs; c++) {
		double x, y;

		if (configs[c].v != v || configs[c].k < 1)
			continue;
		x = configs[c].k;
		y = summarize(ns[c][op][fdk], rounds).med;
		sx += x, sy += y, sxx += x * x, sxy += x * y, n += 1;
	}
	if (n < 2)
		return NAN;
	return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

static void print_variant_table(enum variant v, int rounds)
{
	printf("\n| op | fd | K | filters | median ns | IQR ns | min-max ns | delta ns [IQR] | "
	       "delta %% | ratio |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
	for (int op = 0; op < NOPS; op++)
		for (int fdk = 0; fdk < NFDS; fdk++)
			for (int c = 0; c < nconfigs; c++) {
				struct stats s, d;
				double bm;

				if (configs[c].v != v && configs[c].v != V_BARE)
					continue;
				s = summarize(ns[c][op][fdk], rounds);
				d = delta(c, op, fdk, rounds);
				bm = summarize(ns[bare_index()][op][fdk], rounds).med;
				printf("| %s | %s | %d | %d | %.1f | %.1f-%.1f | %.1f-%.1f | "
				       "%+.1f [%+.1f, %+.1f] | %+.1f | %.3f |\n",
				       op_name[op], fd_name[fdk], configs[c].k, nfilters[c], s.med,
				       s.q1, s.q3, s.min, s.max, d.med, d.q1, d.q3,
				       100.0 * d.med / bm, s.med / bm);
			}
}

static void print_tables(const struct opts *o)
{
	int b = bare_index();

	for (int v = V_SAME; v < NVARIANTS; v++) {
		printf("\n### Variant `%s`: bystanders hold %s\n", variant_name[v],
		       v == V_SAME ? "the limited fd's rights" : "only CAP_FSTAT");
		print_variant_table((enum variant)v, o->rounds);
	}
	printf("\n### Cost per additional limited fd (least-squares slope of the median over "
	       "K >= 1) and the step from bare to K=1\n\n| op | fd | same: ns/fd | same: K=1 "
	       "step ns | narrow: ns/fd | narrow: K=1 step ns |\n|---|---|--:|--:|--:|--:|\n");
	for (int op = 0; op < NOPS; op++)
		for (int fdk = 0; fdk < NFDS; fdk++) {
			printf("| %s | %s |", op_name[op], fd_name[fdk]);
			for (int v = V_SAME; v < NVARIANTS; v++) {
				double step = NAN;

				for (int c = 0; c < nconfigs; c++)
					if ((int)configs[c].v == v && configs[c].k == 1)
						step = summarize(ns[c][op][fdk], o->rounds).med -
						       summarize(ns[b][op][fdk], o->rounds).med;
				printf(" %.2f | %+.1f |",
				       slope((enum variant)v, op, fdk, o->rounds), step);
			}
			printf("\n");
		}
}

/* Targets: <= +30 ns per call on the limited fd; <= +5 % on 4 KiB reads. */
static void print_targets(const struct opts *o)
{
	printf("\n### Targets (limited fd, median of paired deltas vs bare)\n\n"
	       "| variant | K | worst op | worst delta ns | <= 30 ns | read4k delta %% | <= 5 %% "
	       "|\n|---|--:|---|--:|---|--:|---|\n");
	for (int c = 0; c < nconfigs; c++) {
		struct stats d4;
		double worst = -INFINITY;
		int wop = 0;

		if (configs[c].v == V_BARE)
			continue;
		for (int op = 0; op < NOPS; op++) {
			struct stats d = delta(c, op, FD_LIMITED, o->rounds);

			if (d.med > worst)
				worst = d.med, wop = op;
		}
		d4 = delta(c, OP_READ4K, FD_LIMITED, o->rounds);
		d4.med = 100.0 * d4.med /
		         summarize(ns[bare_index()][OP_READ4K][FD_LIMITED], o->rounds).med;
		printf("| %s | %d | %s | %+.1f | %s | %+.1f | %s |\n", variant_name[configs[c].v],
		       configs[c].k, op_name[wop], worst, worst <= 30 ? "met" : "**missed**",
		       d4.med, d4.med <= 5 ? "met" : "**missed**");
	}
}

/* What the kernel lets each variant have, measured before the rounds. */
static int max_k[NVARIANTS], max_err[NVARIANTS], nfilt2[NVARIANTS];
static struct prog progs[NVARIANTS][2];

static void probe(void)
{
	for (int v = V_SAME; v < NVARIANTS; v++) {
		struct sample s;

		if (in_child(probe_child, &v, &s, 1) != 1)
			die("probe");
		max_k[v] = (int)s.iters;
		max_err[v] = s.filters;
		nfilt2[v] = get_filters((enum variant)v, progs[v]);
	}
}

/* The path of each measured call through each kind of filter. */
static void print_paths(void)
{
	static const char *const who[3] = {"limited fd's filter", "`same` bystander's filter",
	                                   "`narrow` bystander's filter"};
	const struct prog *ps[3] = {&progs[V_SAME][0], &progs[V_SAME][1], &progs[V_NARROW][1]};

	printf("\nPath of each measured call through one filter: instructions executed, "
	       "and whether it loads an argument (then the kernel's action cache cannot skip "
	       "the filters for that system call).\n\n| op | fd |");
	for (int i = 0; i < 3; i++)
		printf(" %s |", who[i]);
	printf("\n|---|---|--:|--:|--:|\n");
	for (int op = 0; op < NOPS; op++)
		for (int fdk = 0; fdk < NFDS; fdk++) {
			long nr;
			uint64_t a[6];

			op_call((enum op)op, fdk == FD_LIMITED ? PROBE_T : PROBE_U, &nr, a);
			printf("| %s | %s |", op_name[op], fd_name[fdk]);
			for (int i = 0; i < 3; i++) {
				struct path r = {0, -1, false};
				bool allowed;

				if (ps[i]->len >= 0)
					r = bpf_path(ps[i], nr, a);
				allowed = (r.ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW;
				if (r.insns < 0)
					printf(" ? |");
				else
					printf(" %d%s%s |", r.insns, r.args ? ", args" : "",
					       allowed ? "" : ", refused");
			}
			printf("\n");
		}
}

static void print_header(const struct opts *o)
{
	printf("## capbench results\n\n%d rounds; pinned to CPU %d; file in %s (%d KiB)\n\n",
	       o->rounds, o->cpu, o->dir, FILE_SIZE / 1024);
	printf("| op | calls per timed loop |\n|---|--:|\n");
	for (int op = 0; op < NOPS; op++)
		printf("| %s | %ld |\n", op_name[op], iters[op]);
	printf("\n| variant | max limited fds | next limit fails with | predicted max | "
	       "filters after 2 limits | limited fd's filter: cBPF, eBPF insns | bystander's "
	       "filter: cBPF, eBPF insns |\n|---|--:|---|--:|--:|--:|--:|\n");
	for (int v = V_SAME; v < NVARIANTS; v++)
		printf("| %s | %d | %s | %d | %d | %ld, %ld | %ld, %ld |\n", variant_name[v],
		       max_k[v], max_err[v] ? strerror(max_err[v]) : "-", predicted_max(progs[v]),
		       nfilt2[v], progs[v][0].len,
		       progs[v][0].len < 0 ? -1 : ebpf_len(&progs[v][0]), progs[v][1].len,
		       progs[v][1].len < 0 ? -1 : ebpf_len(&progs[v][1]));
	printf("\nBudget: %d eBPF instructions per thread, +4 per installed filter; the "
	       "kernel counts a filter after its conversion from classic BPF.\n",
	       BUDGET);
	print_paths();
	for (int i = 0; i < o->nks; i++)
		for (int v = V_SAME; v < NVARIANTS; v++)
			if (o->ks[i] > max_k[v])
				printf("\nK=%d does not fit for variant %s: measured up to K=%d.\n",
				       o->ks[i], variant_name[v], max_k[v]);
}

/* bare, then each variant's K values (0 in ks means "the most that fit"), no repeats. */
static void make_configs(const struct opts *o)
{
	configs[nconfigs++] = (struct config){V_BARE, 0};
	for (int v = V_SAME; v < NVARIANTS; v++)
		for (int i = 0; i < o->nks; i++) {
			int k = o->ks[i] == 0 || o->ks[i] > max_k[v] ? max_k[v] : o->ks[i];
			bool dup = k < 1;

			for (int c = 0; c < nconfigs; c++)
				dup |= (int)configs[c].v == v && configs[c].k == k;
			if (!dup)
				configs[nconfigs++] = (struct config){(enum variant)v, k};
		}
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: capbench [-r rounds] [-k K,...] [-t min_ms] [-n min_iters] [-c cpu|-1]\n"
	        "                [-d dir] [-o summary.tsv] [-O raw.tsv] [-s seed] [-v]\n"
	        "  -k: numbers of limited fds, or max (default 1,3,10,100; K=0 is bare)\n");
	exit(2);
}

static void parse_ks(struct opts *o, char *s)
{
	o->nks = 0;
	for (char *tok = strtok(s, ","); tok != NULL; tok = strtok(NULL, ",")) {
		int k = strcmp(tok, "max") == 0 ? 0 : atoi(tok);

		if ((k < 1 && strcmp(tok, "max") != 0) || k > MAX_K ||
		    o->nks >= (MAX_CONFIG - 1) / 2)
			usage();
		o->ks[o->nks++] = k;
	}
}

static void parse(struct opts *o, int argc, char **argv)
{
	int ch;
	char def[] = "1,3,10,100";

	*o = (struct opts){.rounds = 15,
	                   .cpu = -2,
	                   .min_ms = 50,
	                   .min_iters = 200000,
	                   .dir = "/dev/shm",
	                   .seed = 12345};
	parse_ks(o, def);
	while ((ch = getopt(argc, argv, "r:k:t:n:c:d:o:O:s:v")) != -1) {
		switch (ch) {
		case 'r':
			o->rounds = atoi(optarg);
			break;
		case 'k':
			parse_ks(o, optarg);
			break;
		case 't':
			o->min_ms = atof(optarg);
			break;
		case 'n':
			o->min_iters = atol(optarg);
			break;
		case 'c':
			o->cpu = atoi(optarg);
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'O':
			o->raw = optarg;
			break;
		case 's':
			o->seed = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'v':
			o->verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (o->rounds < 1 || o->rounds > MAX_ROUNDS || o->min_iters < 1 || optind != argc)
		usage();
	if (o->cpu == -2) /* default: the last CPU */
		o->cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
}

/* The parent removes the file on any exit; a failing child must not. */
static void remove_file(void)
{
	if (getpid() == parent_pid && path[0] != '\0')
		unlink(path);
}

static void make_file(const char *dir)
{
	int fd;

	snprintf(path, sizeof(path), "%s/capbench.XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0)
		die("mkstemp %s", path);
	parent_pid = getpid();
	atexit(remove_file);
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < FILE_SIZE / BIG; i++)
		if (write(fd, buf, BIG) != BIG)
			die("write %s", path);
	close(fd);
}

int main(int argc, char **argv)
{
	struct opts o;

	parse(&o, argc, argv);
	make_file(o.dir);
	probe();
	make_configs(&o);
	calibrate(&o);
	print_header(&o);
	fflush(stdout);
	run_rounds(&o);
	write_raw(&o);
	write_summary(&o);
	print_tables(&o);
	print_targets(&o);
	return 0;
}
