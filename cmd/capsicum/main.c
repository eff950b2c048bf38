/*
 * capsicum(1): options.
 *
 *	capsicum [run] [options] [--] program [argument ...]
 *	capsicum --learn [options] [--] program [argument ...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "capsicum.h"

#ifndef CAPSICUM_VERSION
#define CAPSICUM_VERSION "unknown"
#endif

const char *progname = "capsicum";

_Noreturn void fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(status);
}

static const char usage_text[] =
    "usage: capsicum [run] [options] [--] program [argument ...]\n"
    "       capsicum --learn [options] [--] program [argument ...]\n"
    "\n"
    "Run program in Capsicum capability mode with only what the options grant.\n"
    "Its absolute and relative names resolve beneath the granted path that\n"
    "covers them (the longest), with that grant's rights; anything else is\n"
    "refused, and each refusal is reported on standard error.\n"
    "\n"
    "Grants (repeatable; PATH a directory, or an existing file):\n"
    "  -r, --read=PATH        read, list and map what is beneath PATH\n"
    "  -w, --write=PATH       also write to, truncate and sync existing files\n"
    "  -c, --create=PATH      also create, remove, rename, link and chmod names\n"
    "  -x, --exec=PATH        read, map executable and run (fexecve)\n"
    "  -a, --all=PATH         every right: files opened beneath are unrestricted\n"
    "                         (as fast as unconfined, and movable to any number)\n"
    "      --no-system        grant none of the defaults: --exec /lib /lib64\n"
    "                         /usr/lib /usr/lib64 /usr/local/lib; --read\n"
    "                         /etc/ld.so.cache /usr/share/locale\n"
    "                         /usr/share/zoneinfo /etc/localtime\n"
    "                         /etc/locale.alias, and the program's own file\n"
    "      --net              Internet access: sockets, connect and bind (the\n"
    "                         supervisor performs them), and the name service\n"
    "                         files of /etc read-only\n"
    "      --stdio=MODE       limit: stdin read-only, stdout and stderr write-only\n"
    "                         (the default); inherit: unrestricted\n"
    "\n"
    "Environment (applied in order):\n"
    "  -e, --env=NAME=VALUE   set a variable\n"
    "  -u, --unsetenv=NAME    remove a variable\n"
    "  -i, --clearenv         start from an empty environment\n"
    "\n"
    "Diagnostics:\n"
    "  -q, --quiet            do not report refusals\n"
    "      --trace            report every capability failure, the kernel's too\n"
    "      --trap             end the program with SIGSYS (and a core) at its\n"
    "                         first capability failure\n"
    "      --learn            run unconfined, record what the program uses, and\n"
    "                         print the capsicum run command line that allows it\n"
    "  -h, --help             this text\n"
    "  -V, --version          the version\n"
    "\n"
    "Network access (without --net), signals to other processes and running\n"
    "other programs by name are refused.  Exit status: the program's; 125\n"
    "for an error of capsicum itself, 126 if the program cannot run, 127 if it\n"
    "is not found.  See capsicum(1).\n";

enum {
	OPT_NO_SYSTEM = 256,
	OPT_STDIO,
	OPT_TRACE,
	OPT_TRAP,
	OPT_LEARN,
	OPT_NET,
};

static const struct option longopts[] = {
    {"read", required_argument, NULL, 'r'},   {"write", required_argument, NULL, 'w'},
    {"create", required_argument, NULL, 'c'}, {"exec", required_argument, NULL, 'x'},
    {"all", required_argument, NULL, 'a'},    {"no-system", no_argument, NULL, OPT_NO_SYSTEM},
    {"net", no_argument, NULL, OPT_NET},      {"stdio", required_argument, NULL, OPT_STDIO},
    {"env", required_argument, NULL, 'e'},    {"unsetenv", required_argument, NULL, 'u'},
    {"clearenv", no_argument, NULL, 'i'},     {"quiet", no_argument, NULL, 'q'},
    {"trace", no_argument, NULL, OPT_TRACE},  {"trap", no_argument, NULL, OPT_TRAP},
    {"learn", no_argument, NULL, OPT_LEARN},  {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0},
};

/* An option --learn repeats in the command line it prints. */
static void repeat(struct options *o, const char *name, const char *arg)
{
	char **e = realloc(o->extra, (o->nextra + 1) * sizeof(*e));

	if (e == NULL)
		fail(EXIT_TOOL, "out of memory");
	o->extra = e;
	if (asprintf(&e[o->nextra], "%s%s%s", name, arg ? "=" : "", arg ? arg : "") < 0)
		fail(EXIT_TOOL, "out of memory");
	o->nextra++;
}

static void environment(struct options *o, int c, const char *arg)
{
	const char *eq;

	switch (c) {
	case 'e':
		eq = strchr(arg, '=');
		if (eq == NULL || eq == arg)
			fail(EXIT_TOOL, "--env %s: not NAME=VALUE", arg);
		if (putenv((char *)arg) != 0)
			fail(EXIT_TOOL, "--env %s: %s", arg, strerror(errno));
		repeat(o, "--env", arg);
		break;
	case 'u':
		if (*arg == '\0' || strchr(arg, '=') != NULL || unsetenv(arg) != 0)
			fail(EXIT_TOOL, "--unsetenv %s: not a variable name", arg);
		repeat(o, "--unsetenv", arg);
		break;
	default:
		clearenv();
		repeat(o, "--clearenv", NULL);
		break;
	}
}

/*
 * Standard input, output and error open, on /dev/null if the caller closed
 * them: otherwise the program's descriptor or a grant would take their
 * numbers (and be closed, or limited as stdio, later).
 */
static void stdio_open(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			exit(EXIT_TOOL);
}

int main(int argc, char *argv[])
{
	struct options o = {.system = true, .stdio_limit = true};
	bool granted = false;
	int c;

	stdio_open();
	if (argc > 1 && strcmp(argv[1], "run") == 0) {
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "+r:w:c:x:a:e:u:iqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'w':
		case 'c':
		case 'x':
		case 'a':
			grant_add(&o, optarg,
			          c == 'r'   ? G_READ
			          : c == 'w' ? G_WRITE
			          : c == 'c' ? G_CREATE
			          : c == 'x' ? G_EXEC
			                     : G_ALL,
			          false);
			granted = true;
			break;
		case OPT_NO_SYSTEM:
			o.system = false;
			repeat(&o, "--no-system", NULL);
			break;
		case OPT_NET:
			o.net = true;
			granted = true;
			break;
		case OPT_STDIO:
			if (strcmp(optarg, "limit") != 0 && strcmp(optarg, "inherit") != 0)
				fail(EXIT_TOOL, "--stdio %s: not limit or inherit", optarg);
			o.stdio_limit = strcmp(optarg, "limit") == 0;
			repeat(&o, "--stdio", optarg);
			break;
		case 'e':
		case 'u':
		case 'i':
			environment(&o, c, optarg);
			break;
		case 'q':
			o.quiet = true;
			repeat(&o, "--quiet", NULL);
			break;
		case OPT_TRACE:
			o.trace = true;
			break;
		case OPT_TRAP:
			o.trap = true;
			break;
		case OPT_LEARN:
			o.learn = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("capsicum %s\n", CAPSICUM_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'capsicum --help' for more information.\n");
			return EXIT_TOOL;
		}
	}
	if (optind >= argc)
		fail(EXIT_TOOL, "no program to run (try 'capsicum --help')");
	if (o.trace && o.trap)
		fail(EXIT_TOOL, "--trace and --trap conflict: a trap ends the program, a trace "
		                "reports and goes on");
	if (o.learn && (o.trace || o.trap || granted))
		fail(EXIT_TOOL, "--learn runs the program unconfined: it takes no grants, --trace "
		                "or --trap");
	o.argv = argv + optind;
	/* The program may read its own file (a path walk to find its data, as Python's). */
	program_open(&o);
	if (o.system) {
		char real[PATH_MAX];

		grant_system_defaults(&o);
		grant_add(&o, o.found, G_READ, true);
		if (realpath(o.found, real) != NULL)
			grant_add(&o, real, G_READ, true);
	}
	if (o.learn)
		run_learning(&o);
	if (o.net)
		grant_net_defaults(&o);
	grants_settle(&o);
	if (o.trace) {
		pid_t child = fork();

		if (child < 0)
			fail(EXIT_TOOL, "fork: %s", strerror(errno));
		if (child > 0)
			trace_parent(child);
	}
	run_confined(&o);
}
