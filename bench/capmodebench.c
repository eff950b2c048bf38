/*
 * capmodebench: what capability mode costs, side by side with bare Linux.
 *
 *	io        read 1 B, read 4 KiB, write 1 B, fstat, lseek on an
 *	          unrestricted descriptor: bare vs in capability mode
 *	openat    openat + close of a file beneath a directory: native (no
 *	          filter) vs beneath a directory capability in capability mode
 *	          (performed by the supervisor); also fstatat
 *	sendmsg   sendmsg of 64 bytes on a datagram socketpair (and recv), with
 *	          and without a descriptor in SCM_RIGHTS: bare vs in capability
 *	          mode (performed by the supervisor)
 *	enter     the latency of the first cap_enter() of a process: with the
 *	          supervisor started on the way, and kernel-only
 *	sandbox   a complete sandbox -- fork, limit the socket, cap_enter, one
 *	          round trip over a socketpair, exit -- vs fork + exec of a
 *	          helper that makes the same round trip
 *
 * Every measurement runs in a fresh forked child (capability mode cannot be
 * left), configurations round-robin in a fresh random order each round, R
 * rounds; statistics are over rounds: median and the 10th-90th percentile
 * spread.  Ratios are of medians measured in the same run.
 *
 *	capmodebench [-r rounds] [-n iterations] [-o summary.tsv]
 *	capmodebench --echo     (the helper exec'd by the fork+exec baseline)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <sys/capsicum.h>

#define MAX_ROUNDS 1000
#define BIG        4096

enum kind { K_IO, K_OPENAT, K_SEND, K_ENTER, K_SANDBOX };

struct config {
	const char *group, *name;
	enum kind kind;
	bool capmode; /* K_IO, K_OPENAT: measured in capability mode */
	int op; /* K_IO: enum io_op; K_OPENAT: 0 openat, 1 fstatat; K_SEND: descriptors sent */
	bool kernel_only;
	bool exec; /* K_SANDBOX: fork + exec baseline */
	bool warm; /* K_SANDBOX: the measuring process already has a supervisor */
	int base;  /* the configuration this one is compared with, or -1 */
	int slow;  /* K_IO: 1 the descriptors limited, 2 copies of them (the slow
	              range); K_OPENAT: 1 the directory limited */
};

enum io_op { IO_READ1, IO_READ4K, IO_WRITE1, IO_FSTAT, IO_LSEEK };
static const char *const io_name[] = {"read 1 B", "read 4 KiB", "write 1 B", "fstat", "lseek"};

static struct config configs[64];
static int nconfigs;
static double samples[64][MAX_ROUNDS];
static long iters = 20000;
static char dir[] = "/tmp/capmodebench.XXXXXX";
static char self_exe[4096];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static _Noreturn void die(const char *what)
{
	perror(what);
	exit(2);
}

/* A listener that routes nothing: the library gets no supervisor. */
static void foreign_listener(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {1, &allow};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) <
	        0)
		die("foreign listener");
}

static double io_loop(enum io_op op, int fd, int wfd)
{
	static char buf[BIG];
	struct stat st;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		long r;

		switch (op) {
		case IO_READ1:
			r = pread(fd, buf, 1, 0);
			break;
		case IO_READ4K:
			r = pread(fd, buf, BIG, 0) == BIG;
			break;
		case IO_WRITE1:
			r = pwrite(wfd, buf, 1, 0);
			break;
		case IO_FSTAT:
			r = fstat(fd, &st) == 0;
			break;
		default:
			r = lseek(fd, 0, SEEK_SET) == 0;
			break;
		}
		if (r != 1)
			die("io");
	}
	return (now_ns() - t0) / (double)iters;
}

static double openat_loop(int op, int d)
{
	struct stat st;
	long n = iters / 10;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		if (op == 0) {
			int fd = openat(d, "f", O_RDONLY);

			if (fd < 0)
				die("openat");
			close(fd);
		} else if (fstatat(d, "f", &st, 0) != 0) {
			die("fstatat");
		}
	}
	return (now_ns() - t0) / (double)n;
}

/* sendmsg of 64 bytes carrying nfds descriptors (0 or 1), and its recvmsg. */
static double send_loop(int nfds, const int *sv, int fd)
{
	char data[64] = {0}, in[64];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm, rcm;
	struct iovec iov = {data, sizeof(data)}, riov = {in, sizeof(in)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1};
	long n = iters / 10;
	double t0;

	if (nfds) {
		memset(&cm, 0, sizeof(cm));
		m.msg_control = cm.b;
		m.msg_controllen = sizeof(cm.b);
		CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), &fd, sizeof(int));
	}
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		rm.msg_control = rcm.b;
		rm.msg_controllen = sizeof(rcm.b);
		if (sendmsg(sv[0], &m, 0) != (ssize_t)sizeof(data) ||
		    recvmsg(sv[1], &rm, 0) != (ssize_t)sizeof(data))
			die("sendmsg");
		if (nfds) {
			int got;

			memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&rm)), sizeof(int));
			close(got);
		}
	}
	return (now_ns() - t0) / (double)n;
}

/* The round trip both sandboxes make: read one byte, answer it. */
static int echo(int s)
{
	char c;

	return read(s, &c, 1) == 1 && write(s, &c, 1) == 1 ? 0 : 1;
}

static double sandbox(bool exec)
{
	int sv[2], st;
	char c = 'x';
	pid_t p;
	double t0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		die("socketpair");
	t0 = now_ns();
	p = fork();
	if (p == 0) {
		close(sv[0]);
		if (exec) {
			char *argv[] = {self_exe, "--echo", NULL};

			if (dup2(sv[1], 3) != 3)
				_exit(1);
			execv(self_exe, argv);
			_exit(1);
		} else {
			cap_rights_t r;

			cap_rights_init(&r, CAP_READ, CAP_WRITE);
			if (cap_rights_limit(sv[1], &r) != 0 || cap_enter() != 0)
				_exit(1);
			_exit(echo(sv[1]));
		}
	}
	if (p < 0 || write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1 ||
	    waitpid(p, &st, 0) != p || st != 0)
		die("sandbox");
	t0 = now_ns() - t0;
	close(sv[0]);
	close(sv[1]);
	return t0;
}

/* One sample of configuration c, in this (forked) process. */
static double measure(const struct config *c)
{
	char path[4200];
	int fd, wfd, d;
	double t0;

	switch (c->kind) {
	case K_IO:
		snprintf(path, sizeof(path), "%s/f", dir);
		fd = open(path, O_RDONLY);
		snprintf(path, sizeof(path), "%s/w", dir);
		wfd = open(path, O_WRONLY);
		if (fd < 0 || wfd < 0)
			die("open");
		if (c->slow) {
			cap_rights_t r;

			cap_rights_init(&r, CAP_READ, CAP_WRITE, CAP_SEEK, CAP_FSTAT);
			if (cap_rights_limit(fd, &r) != 0 || cap_rights_limit(wfd, &r) != 0)
				die("cap_rights_limit");
			if (c->slow == 2 && ((fd = dup(fd)) < 0 || (wfd = dup(wfd)) < 0))
				die("dup");
		}
		if (c->capmode && cap_enter() != 0)
			die("cap_enter");
		io_loop(c->op, fd, wfd); /* warm up */
		return io_loop(c->op, fd, wfd);
	case K_OPENAT:
		d = open(dir, O_RDONLY | O_DIRECTORY);
		if (d < 0)
			die("open dir");
		if (c->slow) {
			cap_rights_t r;

			cap_rights_init(&r, CAP_LOOKUP, CAP_READ, CAP_FSTATAT, CAP_SEEK);
			if (cap_rights_limit(d, &r) != 0)
				die("cap_rights_limit");
		}
		if (c->capmode && cap_enter() != 0)
			die("cap_enter");
		openat_loop(c->op, d);
		return openat_loop(c->op, d);
	case K_SEND: {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
			die("socketpair");
		if ((fd = open("/dev/null", O_RDONLY)) < 0)
			die("/dev/null");
		if (c->capmode && cap_enter() != 0)
			die("cap_enter");
		send_loop(c->op, sv, fd);
		return send_loop(c->op, sv, fd);
	}
	case K_ENTER:
		if (c->kernel_only)
			foreign_listener();
		t0 = now_ns();
		if (cap_enter() != 0)
			die("cap_enter");
		return now_ns() - t0;
	default:
		if (c->warm) {
			cap_rights_t r;

			cap_rights_init(&r, CAP_READ);
			fd = open("/dev/null", O_RDONLY);
			if (fd < 0 || cap_rights_limit(fd, &r) != 0)
				die("warm");
		}
		sandbox(c->exec); /* warm up: page cache, the helper binary */
		return sandbox(c->exec);
	}
}

static double in_child(const struct config *c)
{
	int p[2], st;
	double v = -1;
	pid_t pid;

	if (pipe(p) != 0)
		die("pipe");
	pid = fork();
	if (pid == 0) {
		double r = measure(c);

		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	if (read(p[0], &v, sizeof(v)) != sizeof(v))
		v = -1;
	close(p[0]);
	if (waitpid(pid, &st, 0) != pid || st != 0 || v < 0) {
		fprintf(stderr, "%s / %s failed\n", c->group, c->name);
		exit(2);
	}
	return v;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double quantile(const double *sorted, int n, double q)
{
	double pos = q * (n - 1);
	int i = (int)pos;

	return i + 1 < n ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/* Add c; paired: compared with the configuration added just before. */
static void add(struct config c, bool paired)
{
	c.base = paired ? nconfigs - 1 : -1;
	configs[nconfigs++] = c;
}

static void setup(void)
{
	char path[4200], block[BIG] = {0};
	int fd;

	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, block, sizeof(block)) != sizeof(block))
		die("fixture");
	close(fd);
	snprintf(path, sizeof(path), "%s/w", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		die("fixture");
	close(fd);
	for (int op = 0; op <= IO_LSEEK; op++) {
		add((struct config){"io", io_name[op], K_IO, .op = op}, false);
		add((struct config){"io", io_name[op], K_IO, .op = op, .capmode = true}, true);
	}
	for (int op = 0; op <= IO_LSEEK; op++) {
		add((struct config){"slow", io_name[op], K_IO, .op = op, .slow = 1}, false);
		add((struct config){"slow", io_name[op], K_IO, .op = op, .slow = 2}, true);
	}
	add((struct config){"openat", "openat + close", K_OPENAT}, false);
	add((struct config){"openat", "openat + close", K_OPENAT, .capmode = true}, true);
	add((struct config){"openat", "openat + close, limited directory", K_OPENAT, .slow = 1},
	    false);
	configs[nconfigs - 1].base = nconfigs - 3;
	add((struct config){"openat", "fstatat", K_OPENAT, .op = 1}, false);
	add((struct config){"openat", "fstatat", K_OPENAT, .op = 1, .capmode = true}, true);
	add((struct config){"sendmsg", "sendmsg + recvmsg, 64 B", K_SEND}, false);
	add((struct config){"sendmsg", "sendmsg + recvmsg, 64 B", K_SEND, .capmode = true}, true);
	add((struct config){"sendmsg", "same, one descriptor", K_SEND, .op = 1}, false);
	add((struct config){"sendmsg", "same, one descriptor", K_SEND, .op = 1, .capmode = true},
	    true);
	add((struct config){"enter", "cap_enter", K_ENTER, .kernel_only = true}, false);
	add((struct config){"enter", "cap_enter", K_ENTER}, true);
	add((struct config){"sandbox", "fork + exec + round trip", K_SANDBOX, .exec = true}, false);
	add((struct config){"sandbox", "fork + limit + cap_enter + round trip", K_SANDBOX}, true);
	add((struct config){"sandbox", "same, supervisor already running", K_SANDBOX, .warm = true},
	    false);
	configs[nconfigs - 1].base = nconfigs - 3;
}

int main(int argc, char **argv)
{
	int rounds = 30, opt, order[64];
	const char *tsv = NULL;
	unsigned seed = (unsigned)time(NULL);
	FILE *out = NULL;

	if (argc == 2 && strcmp(argv[1], "--echo") == 0)
		return echo(3);
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
			fprintf(stderr,
			        "usage: capmodebench [-r rounds] [-n iterations] [-o tsv]\n");
			return 2;
		}
	}
	if (rounds < 3 || rounds > MAX_ROUNDS || iters < 100)
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
			samples[order[i]][r] = in_child(&configs[order[i]]);
	}
	if (tsv && !(out = fopen(tsv, "w")))
		die(tsv);
	if (out)
		fprintf(out, "group\tname\tcapmode\tmedian_ns\tp10_ns\tp90_ns\trounds\n");
	/*
	 * The ratio column is the median of the per-round ratios: both sides of
	 * a pair run in the same round, so noise that hits a round hits both.
	 */
	printf("| group | measurement | configuration | median | p10–p90 | ratio (p10–p90) |\n");
	printf("|---|---|---|---:|---:|---:|\n");
	for (int i = 0; i < nconfigs; i++) {
		const struct config *c = &configs[i];
		double s[MAX_ROUNDS], ratio[MAX_ROUNDS], med;
		const char *cfg;

		memcpy(s, samples[i], sizeof(double) * (size_t)rounds);
		qsort(s, (size_t)rounds, sizeof(double), cmp);
		med = quantile(s, rounds, 0.5);
		for (int r = 0; c->base >= 0 && r < rounds; r++)
			ratio[r] = samples[i][r] / samples[c->base][r];
		if (c->base >= 0)
			qsort(ratio, (size_t)rounds, sizeof(double), cmp);
		if (c->kind == K_ENTER)
			cfg = c->kernel_only ? "kernel-only" : "supervisor started";
		else if (c->kind == K_SANDBOX)
			cfg = c->exec ? "fork+exec" : c->warm ? "capsicum, warm" : "capsicum, cold";
		else if (c->kind == K_IO && c->slow)
			cfg = c->slow == 2 ? "copy (slow range)" : "limited";
		else if (c->slow)
			cfg = "limited directory";
		else
			cfg = c->capmode ? "capability mode" : "bare";
		printf("| %s | %s | %s | %.0f ns | %.0f–%.0f | ", c->group, c->name, cfg, med,
		       quantile(s, rounds, 0.1), quantile(s, rounds, 0.9));
		if (c->base >= 0)
			printf("%.2f× (%.2f–%.2f) |\n", quantile(ratio, rounds, 0.5),
			       quantile(ratio, rounds, 0.1), quantile(ratio, rounds, 0.9));
		else
			printf("|\n");
		if (out)
			fprintf(out, "%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%d\n", c->group, c->name, cfg,
			        med, quantile(s, rounds, 0.1), quantile(s, rounds, 0.9), rounds);
	}
	if (out)
		fclose(out);
	return 0;
}
