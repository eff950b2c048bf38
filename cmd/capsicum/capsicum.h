/*
 * capsicum(1): run an unmodified program confined to what its user names
 * (brief section 6).  One file per concern: options (main.c), grants and
 * their rights (grants.c), confining and executing the program
 * (launch.c), --learn (learn.c), --trace (trace.c).
 */
#ifndef CAPSICUM_CMD_H
#define CAPSICUM_CMD_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>

#include <sys/capsicum.h>

/* Exit statuses of the tool's own failures, as env(1) and timeout(1). */
#define EXIT_TOOL     125 /* bad usage, a grant that cannot be made, no confinement */
#define EXIT_NOEXEC   126 /* the program was found but cannot run */
#define EXIT_NOTFOUND 127 /* no such program */

enum grant_kind {
	G_READ = 1u << 0,
	G_WRITE = 1u << 1,
	G_CREATE = 1u << 2,
	G_EXEC = 1u << 3,
	G_ALL = 1u << 4, /* every right: what is opened beneath is unrestricted */
};

struct grant {
	char *name;     /* absolute and normalised, as the user named it */
	char *real;     /* its real path where that differs and is no grant's name, or NULL */
	unsigned kinds; /* enum grant_kind */
	bool system;    /* a default, not the user's */
	cap_rights_t rights;
	int fd;
};

struct options {
	struct grant *grants;
	size_t ngrants;
	bool system;      /* grant the system's library directories */
	bool stdio_limit; /* limit stdin, stdout and stderr as caph_limit_stdio(3) */
	bool quiet, trace, trap, learn;
	bool net;             /* Internet sockets, connect and bind served (--net) */
	char **argv;          /* the program and its arguments */
	int prog;             /* the program, opened for fexecve */
	char found[PATH_MAX]; /* where it was found */
	char **extra;         /* options that --learn repeats in its suggestion */
	size_t nextra;
};

#define ARRAY_SIZE_(a) (sizeof(a) / sizeof((a)[0]))

extern const char *progname;

/* Report and exit with status. */
_Noreturn void fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grants (grants.c). */
const char *grant_option(unsigned kinds);
unsigned grant_kind_of(const char *option); /* 0 if none */
void grant_add(struct options *o, const char *path, unsigned kinds, bool system);
void grant_system_defaults(struct options *o);
/* What the C library reads to resolve names (--net). */
void grant_net_defaults(struct options *o);
/* Merge and check the grants: a grant beneath another cannot take rights away. */
void grants_settle(struct options *o);
/* Open every grant (before the supervisor starts). */
void grants_open(struct options *o);
/* Limit every grant and enter it into the supervisor's path table. */
void grants_install(struct options *o);
/* Normalise name (made absolute from the current directory) into out (PATH_MAX). */
bool path_normalise(const char *name, char *out);

/* Confinement (launch.c). */
/* Find and open the program (o->argv[0]) as execvp(3) would, or exit. */
void program_open(struct options *o);
_Noreturn void run_confined(struct options *o);

/* --learn (learn.c). */
_Noreturn void run_learning(struct options *o);

/* --trace (trace.c): follow the confined program, report its capability failures. */
_Noreturn void trace_parent(pid_t child);
void trace_child_ready(void);
/* End as the program ended (a wait status): its exit status, or its signal. */
_Noreturn void exit_like(int status);

#endif
