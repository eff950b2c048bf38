/*
 * cmdbench: the cost of capsicum(1) -- a program run bare, under
 * `capsicum run` and under bubblewrap with an equivalent policy (the
 * system's library directories and the data file read-only, no network),
 * side by side in one run.
 *
 *	cmdbench -c CAPSICUM [-b BWRAP] [-r ROUNDS] [-n RUNS] [-d DATADIR]
 *
 * "capsicum run --all" grants the data file with every right: what is
 * opened there is unrestricted and stays off the supervisor's slow range.
 *
 * Each round runs every workload RUNS times in each configuration, the
 * configurations interleaved, and keeps the median wall time of a run;
 * the report gives the median over rounds, the spread (min-max of the
 * round medians) and the ratio to bare.  Standard output of the programs
 * goes to /dev/null.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

enum config { BARE, CAPSICUM, CAPSICUM_ALL, BWRAP, NCONFIG };
static const char *const config_names[] = {"bare", "capsicum run", "capsicum run --all", "bwrap"};

struct workload {
	const char *name;
	const char *argv[8]; /* "%F" is the data file */
	const char *data;    /* the data file's name in DATADIR, or NULL */
};

static const struct workload workloads[] = {
    {"true", {"/bin/true"}, NULL},
    {"cat 16 MiB", {"/bin/cat", "%F"}, "big"},
    {"grep -c 16 MiB", {"/bin/grep", "-c", "needle", "%F"}, "big"},
    {"sort 1 MiB", {"/usr/bin/sort", "%F"}, "lines"},
    {"python3 -c pass", {"/usr/bin/python3", "-c", "pass"}, NULL},
};
#define NWORK (sizeof(workloads) / sizeof(workloads[0]))

static const char *capsicum_path, *bwrap_path, *datadir = "/tmp/cmdbench-data";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The command line of workload w in configuration c, in argv (NULL-terminated). */
static void build(const struct workload *w, enum config c, char *file, const char **argv)
{
	int n = 0;

	if (c == CAPSICUM || c == CAPSICUM_ALL) {
		argv[n++] = capsicum_path;
		argv[n++] = "-q";
		if (w->data) {
			argv[n++] = c == CAPSICUM ? "--read" : "--all";
			argv[n++] = file;
		}
		argv[n++] = "--";
	} else if (c == BWRAP) {
		static const char *const fence[] = {
		    "--unshare-all",    "--die-with-parent", "--ro-bind", "/usr",      "/usr",
		    "--symlink",        "usr/lib",           "/lib",      "--symlink", "usr/lib64",
		    "/lib64",           "--symlink",         "usr/bin",   "/bin",      "--ro-bind",
		    "/etc/ld.so.cache", "/etc/ld.so.cache",  "--dev",     "/dev"};

		argv[n++] = bwrap_path;
		for (size_t i = 0; i < sizeof(fence) / sizeof(fence[0]); i++)
			argv[n++] = fence[i];
		if (w->data) {
			argv[n++] = "--ro-bind";
			argv[n++] = file;
			argv[n++] = file;
		}
		argv[n++] = "--";
	}
	for (int i = 0; w->argv[i]; i++)
		argv[n++] = strcmp(w->argv[i], "%F") == 0 ? file : w->argv[i];
	argv[n] = NULL;
}

/* One run: seconds, or a negative value if the program failed. */
static double run_once(const char **argv)
{
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) /* grep -c finds nothing: 1 */
		return -1;
	return now() - t0;
}

static void make_data(void)
{
	char path[512];
	FILE *f;

	mkdir(datadir, 0755);
	snprintf(path, sizeof(path), "%s/big", datadir);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	for (int i = 0; i < 16 * 1024 * 1024 / 64; i++)
		fprintf(f, "%063d\n", i);
	fclose(f);
	snprintf(path, sizeof(path), "%s/lines", datadir);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	srand(1);
	for (int i = 0; i < 1024 * 1024 / 16; i++)
		fprintf(f, "%015d\n", rand());
	fclose(f);
}

int main(int argc, char *argv[])
{
	int rounds = 10, runs = 20, c;
	static double round_med[NWORK][NCONFIG][64];

	while ((c = getopt(argc, argv, "c:b:r:n:d:")) != -1) {
		switch (c) {
		case 'c':
			capsicum_path = optarg;
			break;
		case 'b':
			bwrap_path = optarg;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			runs = atoi(optarg);
			break;
		case 'd':
			datadir = optarg;
			break;
		default:
			fprintf(stderr,
			        "usage: cmdbench -c CAPSICUM [-b BWRAP] [-r ROUNDS] [-n RUNS] "
			        "[-d DATADIR]\n");
			return 2;
		}
	}
	if (capsicum_path == NULL || rounds < 1 || rounds > 64 || runs < 1) {
		fprintf(stderr, "cmdbench: -c CAPSICUM is required; 1 <= ROUNDS <= 64\n");
		return 2;
	}
	make_data();
	for (int r = 0; r < rounds; r++) {
		for (size_t w = 0; w < NWORK; w++) {
			double t[NCONFIG][256];
			char file[512];

			snprintf(file, sizeof(file), "%s/%s", datadir,
			         workloads[w].data ? workloads[w].data : "");
			for (int i = 0; i < runs && i < 256; i++)
				for (int k = 0; k < NCONFIG; k++) {
					const char *args[64];

					if (k == BWRAP && bwrap_path == NULL)
						continue;
					build(&workloads[w], (enum config)k, file, args);
					t[k][i] = run_once(args);
					if (t[k][i] < 0) {
						fprintf(stderr, "cmdbench: %s under %s failed\n",
						        workloads[w].name, config_names[k]);
						return 1;
					}
				}
			for (int k = 0; k < NCONFIG; k++)
				round_med[w][k][r] =
				    k == BWRAP && bwrap_path == NULL ? 0 : median(t[k], runs);
		}
	}
	printf("| workload | bare ms (spread) | capsicum run ms (spread) | ratio | --all ms "
	       "(spread) | "
	       "ratio | bwrap ms (spread) | ratio |\n|---|---|---|---|---|---|---|---|\n");
	for (size_t w = 0; w < NWORK; w++) {
		double med[NCONFIG], lo[NCONFIG], hi[NCONFIG];

		for (int k = 0; k < NCONFIG; k++) {
			double v[64];

			memcpy(v, round_med[w][k], sizeof(double) * (size_t)rounds);
			med[k] = median(v, rounds) * 1e3;
			lo[k] = v[0] * 1e3;
			hi[k] = v[rounds - 1] * 1e3;
		}
		printf("| %s | %.2f (%.2f-%.2f) | %.2f (%.2f-%.2f) | %.2fx | %.2f (%.2f-%.2f) | "
		       "%.2fx |",
		       workloads[w].name, med[BARE], lo[BARE], hi[BARE], med[CAPSICUM],
		       lo[CAPSICUM], hi[CAPSICUM], med[CAPSICUM] / med[BARE], med[CAPSICUM_ALL],
		       lo[CAPSICUM_ALL], hi[CAPSICUM_ALL], med[CAPSICUM_ALL] / med[BARE]);
		if (bwrap_path)
			printf(" %.2f (%.2f-%.2f) | %.2fx |\n", med[BWRAP], lo[BWRAP], hi[BWRAP],
			       med[BWRAP] / med[BARE]);
		else
			printf(" - | - |\n");
	}
	return 0;
}
