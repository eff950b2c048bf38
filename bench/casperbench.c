/*
 * casperbench: what a call through Casper costs, side by side with the
 * direct call it replaces.
 *
 *	floor      a request with an empty answer to a service of this
 *	           program ("bench.nop"): the round trip alone
 *	open       open + close of a file: open(2) vs fileargs_open()
 *	           (the program in capability mode)
 *	lstat      lstat(2) vs fileargs_lstat()
 *	getaddrinfo "localhost" (from /etc/hosts): libc vs cap_getaddrinfo()
 *	           over system.net
 *	getpwnam   "root": libc vs cap_getpwnam() over system.pwd
 *	startup    cap_init() + cap_service_open() + cap_close() of both
 *
 * Every measurement runs in a fresh forked child; configurations run in a
 * fresh random order each round, R rounds of N calls.  A round's sample is
 * the mean of its N calls; statistics are over rounds: median and the
 * 10th-90th percentile spread.  The ratio is the median of the per-round
 * ratios of the Casper row to the direct row measured in the same round.
 *
 *	casperbench [-r rounds] [-n calls] [-o summary.tsv]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <casper/cap_fileargs.h>
#include <casper/cap_net.h>
#include <casper/cap_pwd.h>
#include <libcasper.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>

#define MAX_ROUNDS 1000

enum cfg {
	C_FLOOR,
	C_OPEN_DIRECT,
	C_OPEN_FA,
	C_LSTAT_DIRECT,
	C_LSTAT_FA,
	C_GAI_DIRECT,
	C_GAI_CASPER,
	C_PW_DIRECT,
	C_PW_CASPER,
	C_STARTUP,
	NCFG
};

static const char *const names[NCFG] = {
    "floor: empty request",      "open+close: open(2)",
    "open+close: fileargs_open", "lstat: lstat(2)",
    "lstat: fileargs_lstat",     "getaddrinfo: libc",
    "getaddrinfo: system.net",   "getpwnam: libc",
    "getpwnam: system.pwd",      "startup: cap_init+open+close",
};

/* The row each Casper row is compared with (-1: none). */
static const int base_of[NCFG] = {-1,           -1, C_OPEN_DIRECT, -1, C_LSTAT_DIRECT, -1,
                                  C_GAI_DIRECT, -1, C_PW_DIRECT,   -1};

static char file_path[] = "/tmp/casperbench.XXXXXX";

static int nop_command(const char *cmd, const nvlist_t *limits, nvlist_t *in, nvlist_t *out)
{
	(void)cmd;
	(void)limits;
	(void)in;
	(void)out;
	return 0;
}

CREATE_SERVICE("bench.nop", NULL, nop_command, 0)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "casperbench: %s: %s\n", what, strerror(errno));
	_exit(2);
}

static cap_channel_t *service(const char *name)
{
	cap_channel_t *casper = cap_init(), *chan;

	if (casper == NULL || (chan = cap_service_open(casper, name)) == NULL)
		die(name);
	cap_close(casper);
	return chan;
}

/* What a configuration's calls use, made before the clock starts. */
struct ctx {
	cap_channel_t *chan;
	fileargs_t *fa;
};

static void enter(void)
{
	if (cap_enter() != 0)
		die("cap_enter");
}

static void setup(enum cfg c, struct ctx *x)
{
	char *argv[] = {file_path, NULL};

	switch (c) {
	case C_FLOOR:
		x->chan = service("bench.nop");
		enter();
		break;
	case C_OPEN_FA:
	case C_LSTAT_FA:
		x->fa = fileargs_init(1, argv, O_RDONLY, 0, NULL, FA_OPEN | FA_LSTAT);
		if (x->fa == NULL)
			die("fileargs_init");
		enter();
		break;
	case C_GAI_CASPER:
		x->chan = service("system.net");
		enter();
		break;
	case C_PW_CASPER:
		x->chan = service("system.pwd");
		enter();
		break;
	default:
		break;
	}
}

static void gai_once(cap_channel_t *chan)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
	int err = chan ? cap_getaddrinfo(chan, "localhost", "80", &hints, &res)
	               : getaddrinfo("localhost", "80", &hints, &res);

	if (err != 0) {
		fprintf(stderr, "casperbench: getaddrinfo: %s\n", gai_strerror(err));
		_exit(2);
	}
	freeaddrinfo(res);
}

static void nop_once(cap_channel_t *chan)
{
	nvlist_t *nvl = nvlist_create(0), *reply;

	nvlist_add_string(nvl, "cmd", "nop");
	if ((reply = cap_xfer_nvlist(chan, nvl)) == NULL)
		die("nop");
	nvlist_destroy(reply);
}

/* One call of configuration c. */
static void once(enum cfg c, struct ctx *x)
{
	struct stat st;
	int fd;

	switch (c) {
	case C_FLOOR:
		nop_once(x->chan);
		break;
	case C_OPEN_DIRECT:
	case C_OPEN_FA:
		fd = c == C_OPEN_FA ? fileargs_open(x->fa, file_path)
		                    : open(file_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("open");
		close(fd);
		break;
	case C_LSTAT_DIRECT:
	case C_LSTAT_FA:
		if ((c == C_LSTAT_FA ? fileargs_lstat(x->fa, file_path, &st)
		                     : lstat(file_path, &st)) != 0)
			die("lstat");
		break;
	case C_GAI_DIRECT:
	case C_GAI_CASPER:
		gai_once(x->chan);
		break;
	case C_PW_DIRECT:
	case C_PW_CASPER:
		if ((c == C_PW_CASPER ? cap_getpwnam(x->chan, "root") : getpwnam("root")) == NULL)
			die("getpwnam");
		break;
	case C_STARTUP:
		cap_close(service("bench.nop"));
		break;
	case NCFG:
		break;
	}
}

/* Nanoseconds per call of configuration c, measured in a fresh child. */
static double measure(enum cfg c, long n)
{
	int p[2];
	double t = -1;
	pid_t pid;

	if (pipe(p) != 0)
		die("pipe");
	if ((pid = fork()) == 0) {
		double t0;

		struct ctx x = {0};

		close(p[0]);
		setup(c, &x);
		for (long i = 0; i < n / 10 + 1; i++) /* warm: caches, first lookups */
			once(c, &x);
		t0 = now();
		for (long i = 0; i < n; i++)
			once(c, &x);
		t = (now() - t0) / (double)n;
		(void)!write(p[1], &t, sizeof(t));
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &t, sizeof(t)) != (ssize_t)sizeof(t))
		t = -1;
	close(p[0]);
	waitpid(pid, NULL, 0);
	if (t < 0) {
		fprintf(stderr, "casperbench: %s failed\n", names[c]);
		exit(2);
	}
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile of v[0..n) (sorted in place). */
static double quantile(double *v, int n, double q)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[(int)(q * (n - 1) + 0.5)];
}

static double samples[NCFG][MAX_ROUNDS];

int main(int argc, char **argv)
{
	int rounds = 15, opt, order[NCFG], fd;
	long n = 2000;
	FILE *tsv = NULL;

	while ((opt = getopt(argc, argv, "r:n:o:")) != -1) {
		if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'n')
			n = atol(optarg);
		else if (opt == 'o' && (tsv = fopen(optarg, "w")) == NULL)
			die(optarg);
		else if (opt != 'o') {
			fprintf(stderr,
			        "usage: casperbench [-r rounds] [-n calls] [-o summary.tsv]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || n < 1) {
		fprintf(stderr, "casperbench: bad -r or -n\n");
		return 2;
	}
	if ((fd = mkstemp(file_path)) < 0)
		die("mkstemp");
	close(fd);
	srand((unsigned)time(NULL));
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < NCFG; i++)
			order[i] = i;
		for (int i = NCFG - 1; i > 0; i--) {
			int j = rand() % (i + 1), k = order[i];

			order[i] = order[j];
			order[j] = k;
		}
		for (int i = 0; i < NCFG; i++)
			samples[order[i]][r] =
			    measure((enum cfg)order[i], order[i] == C_STARTUP ? n / 50 + 1 : n);
	}
	printf(
	    "| configuration | median | p10-p90 | ratio (median, p10-p90) |\n|---|---|---|---|\n");
	for (int c = 0; c < NCFG; c++) {
		double v[MAX_ROUNDS], ratio[MAX_ROUNDS], med, lo, hi;
		int b = base_of[c];

		for (int r = 0; r < rounds; r++) {
			v[r] = samples[c][r];
			if (b >= 0)
				ratio[r] = samples[c][r] / samples[b][r];
		}
		med = quantile(v, rounds, 0.5);
		lo = quantile(v, rounds, 0.1);
		hi = quantile(v, rounds, 0.9);
		printf("| %s | %.2f us | %.2f-%.2f |", names[c], med / 1e3, lo / 1e3, hi / 1e3);
		if (b >= 0)
			printf(" %.1fx (%.1f-%.1f) |\n", quantile(ratio, rounds, 0.5),
			       quantile(ratio, rounds, 0.1), quantile(ratio, rounds, 0.9));
		else
			printf(" |\n");
		if (tsv != NULL)
			fprintf(tsv, "%s\t%.1f\t%.1f\t%.1f\n", names[c], med, lo, hi);
	}
	printf("\nrounds %d, calls per round %ld (startup: %ld)\n", rounds, n, n / 50 + 1);
	unlink(file_path);
	if (tsv != NULL)
		fclose(tsv);
	return 0;
}
