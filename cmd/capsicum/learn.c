/*
 * --learn: run the program once with its user's own authority, record
 * every name it used, and print the smallest capsicum run command line
 * that grants exactly that.
 *
 * The supervisor runs in paths mode as for a confined run, but the
 * program never enters capability mode: each lookup is recorded (the
 * grant it needs and what the name was before the call) and continues in
 * the kernel.  The records reach this process through a pipe, whose last
 * writer, the supervisor, leaves when the program and its children are
 * gone.  Learning is not a security boundary: a program that changes a
 * name between the record and the call is only recorded wrongly.
 *
 *	read of an existing name         --read NAME
 *	write to an existing name        --write NAME
 *	creating, removing, renaming     --create DIRECTORY-HOLDING-IT
 *	a name that did not exist        nothing (confined, it does not exist either)
 *	a name in /proc                  nothing, and a warning: never served
 *	a program run by name (execve)   nothing, and a warning: refused
 *	beneath the system's defaults    nothing
 * and a grant beneath another that grants as much is dropped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "../../src/lock.h"
#include "../../src/supervisor/client.h"
#include "../../src/supervisor/ctl.h"
#include "capsicum.h"

struct use {
	char *name;
	unsigned kinds;
};

static struct use *uses;
static size_t nuses;
static char **absent;
static size_t nabsent;
static char **execs; /* programs it ran by name */
static size_t nexecs;

static void note(char **list[], size_t *n, const char *name)
{
	char **l;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], name) == 0)
			return;
	if ((l = realloc(*list, (*n + 1) * sizeof(*l))) == NULL || (l[*n] = strdup(name)) == NULL)
		fail(EXIT_TOOL, "out of memory");
	*list = l;
	(*n)++;
}

static void use(const char *name, unsigned kind)
{
	struct use *u;

	for (size_t i = 0; i < nuses; i++)
		if (strcmp(uses[i].name, name) == 0) {
			uses[i].kinds |= kind;
			return;
		}
	if ((u = realloc(uses, (nuses + 1) * sizeof(*u))) == NULL ||
	    (u[nuses].name = strdup(name)) == NULL)
		fail(EXIT_TOOL, "out of memory");
	u[nuses].kinds = kind;
	uses = u;
	nuses++;
}

/* Whether name is name or beneath dir. */
static bool within(const char *name, const char *dir)
{
	size_t n = strlen(dir);

	return strcmp(dir, "/") == 0 ||
	       (strncmp(name, dir, n) == 0 && (name[n] == '\0' || name[n] == '/'));
}

/* Kinds ordered by what they hold: create holds write holds read; exec holds read. */
static bool holds(unsigned a, unsigned b)
{
	if (a & G_ALL)
		return true;
	if (a & G_CREATE)
		a |= G_WRITE;
	if (a & (G_WRITE | G_EXEC))
		a |= G_READ;
	return (b & ~a) == 0;
}

/* One record, "<need><what was there> <name>" (supervisor/paths.c). */
static void record(const struct options *o, char *line)
{
	char need = line[0], there = line[1], *name = line + 3, dir[PATH_MAX];
	unsigned kind = need == 'a'   ? G_ALL
	                : need == 'c' ? G_CREATE
	                : need == 'w' ? G_WRITE
	                : need == 'e' ? G_EXEC
	                              : G_READ;

	if (strlen(line) < 4 || line[2] != ' ' || name[0] != '/')
		return;
	if (need == 'x') {
		char self[PATH_MAX];

		/* not the command's own exec of the program, nor a name a path search tried in vain
		 */
		if (there != '-' && !(path_normalise(o->found, self) && strcmp(self, name) == 0))
			note(&execs, &nexecs, name);
		return;
	}
	for (size_t i = 0; i < o->ngrants; i++)
		if (o->grants[i].system && within(name, o->grants[i].name) &&
		    holds(o->grants[i].kinds, kind))
			return;
	if (within(name, "/proc")) {
		note(&absent, &nabsent, name); /* never served */
		return;
	}
	if (kind == G_CREATE || kind == G_ALL) {
		char *slash;

		snprintf(dir, sizeof(dir), "%s", name);
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		use(dir, kind);
	} else if (there == '-') {
		return; /* confined, it is as absent: nothing to grant */
	} else {
		use(name, kind);
	}
}

/* Print s for a POSIX shell. */
static void quoted(const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                    "_-+=/.,:@%") == strlen(s)) {
		fputs(s, stderr);
		return;
	}
	fputc('\'', stderr);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", stderr);
		else
			fputc(*s, stderr);
	fputc('\'', stderr);
}

static void suggest(const struct options *o)
{
	fputs("capsicum: learned; to run it confined with exactly what it used:\ncapsicum run",
	      stderr);
	for (size_t i = 0; i < o->nextra; i++) {
		fputc(' ', stderr);
		quoted(o->extra[i]);
	}
	for (size_t i = 0; i < nuses; i++) {
		bool covered = false;

		for (size_t j = 0; j < nuses && !covered; j++)
			covered = j != i && within(uses[i].name, uses[j].name) &&
			          holds(uses[j].kinds, uses[i].kinds) &&
			          (strcmp(uses[i].name, uses[j].name) != 0 || j < i);
		if (covered)
			continue;
		/* the strongest kind, and --exec beside a write */
		for (size_t k = 0; k < 4; k++) {
			static const unsigned order[] = {G_ALL, G_CREATE, G_WRITE, G_EXEC};
			unsigned kinds = uses[i].kinds;

			if (!(kinds & order[k]) || (order[k] != G_ALL && (kinds & G_ALL)) ||
			    (order[k] == G_WRITE && (kinds & G_CREATE)))
				continue;
			fprintf(stderr, " %s ", grant_option(order[k]));
			quoted(uses[i].name);
		}
		if (!(uses[i].kinds & (G_CREATE | G_WRITE | G_EXEC | G_ALL))) {
			fputs(" --read ", stderr);
			quoted(uses[i].name);
		}
	}
	fputs(" --", stderr);
	for (char **a = o->argv; *a; a++) {
		fputc(' ', stderr);
		quoted(*a);
	}
	fputc('\n', stderr);
	for (size_t i = 0; i < nabsent; i++)
		fprintf(stderr, "capsicum: used, but never served in capability mode: %s\n",
		        absent[i]);
	for (size_t i = 0; i < nexecs; i++)
		fprintf(stderr,
		        "capsicum: it runs %s by name, which capability mode refuses: confined, "
		        "that part fails\n",
		        execs[i]);
}

_Noreturn void run_learning(struct options *o)
{
	int p[2], status;
	pid_t child;
	FILE *in;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) != 0)
		fail(EXIT_TOOL, "pipe: %s", strerror(errno));
	child = fork();
	if (child < 0)
		fail(EXIT_TOOL, "fork: %s", strerror(errno));
	if (child == 0) {
		bool ok;

		capsicum_lock();
		ok = sup_ensure(SUP_PATHS) && sup_mode() == SUP_PATHS;
		capsicum_unlock();
		if (!ok || sup_path_log(p[1], PATH_LOG_LEARN) != 0)
			fail(EXIT_TOOL,
			     "cannot start the supervisor that records the program's paths");
		close(p[1]);
		execvp(o->argv[0], o->argv);
		fail(errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC, "%s: %s", o->argv[0],
		     strerror(errno));
	}
	close(p[1]);
	if ((in = fdopen(p[0], "r")) == NULL)
		fail(EXIT_TOOL, "fdopen: %s", strerror(errno));
	while ((n = getline(&line, &cap, in)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		record(o, line);
	}
	fclose(in);
	free(line);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			fail(EXIT_TOOL, "waitpid: %s", strerror(errno));
	if (!(WIFEXITED(status) && WEXITSTATUS(status) >= EXIT_TOOL))
		suggest(o);
	exit_like(status);
}
