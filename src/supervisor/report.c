/*
 * capsicum(1)'s reports (paths.h): the line for each refused name, trace
 * lines for the other capability failures, and --learn's records, all
 * through logq.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sys/capsicum.h>

#include "ctl.h"
#include "logq.h"
#include "paths.h"

static unsigned log_flags;

void paths_report_flags(unsigned flags)
{
	log_flags = flags;
}

static void log_line(const char *line, int len)
{
	if (len > 0)
		logq_put(line, (size_t)len);
}

/* Each right a lookup may lack, and the smallest grant of capsicum(1) that holds it. */
static const struct {
	uint64_t right;
	const char *name, *option;
} rights[] = {
    {CAP_READ, "CAP_READ", "--read"},
    {CAP_SEEK, "CAP_SEEK", "--read"},
    {CAP_LOOKUP, "CAP_LOOKUP", "--read"},
    {CAP_FSTAT, "CAP_FSTAT", "--read"},
    {CAP_FSTATAT, "CAP_FSTATAT", "--read"},
    {CAP_EXTATTR_GET, "CAP_EXTATTR_GET", "--read"},
    {CAP_EXTATTR_LIST, "CAP_EXTATTR_LIST", "--read"},
    {CAP_WRITE, "CAP_WRITE", "--write"},
    {CAP_FTRUNCATE, "CAP_FTRUNCATE", "--write"},
    {CAP_FSYNC, "CAP_FSYNC", "--write"},
    {CAP_FUTIMES, "CAP_FUTIMES", "--write"},
    {CAP_FUTIMESAT, "CAP_FUTIMESAT", "--write"},
    {CAP_CREATE, "CAP_CREATE", "--create"},
    {CAP_FCHMOD, "CAP_FCHMOD", "--create"},
    {CAP_FCHMODAT, "CAP_FCHMODAT", "--create"},
    {CAP_FCHOWN, "CAP_FCHOWN", "--create"},
    {CAP_FCHOWNAT, "CAP_FCHOWNAT", "--create"},
    {CAP_MKDIRAT, "CAP_MKDIRAT", "--create"},
    {CAP_MKFIFOAT, "CAP_MKFIFOAT", "--create"},
    {CAP_MKNODAT, "CAP_MKNODAT", "--all"},
    {CAP_UNLINKAT, "CAP_UNLINKAT", "--create"},
    {CAP_SYMLINKAT, "CAP_SYMLINKAT", "--create"},
    {CAP_LINKAT_SOURCE, "CAP_LINKAT_SOURCE", "--create"},
    {CAP_LINKAT_TARGET, "CAP_LINKAT_TARGET", "--create"},
    {CAP_RENAMEAT_SOURCE, "CAP_RENAMEAT_SOURCE", "--create"},
    {CAP_RENAMEAT_TARGET, "CAP_RENAMEAT_TARGET", "--create"},
    {CAP_FEXECVE, "CAP_FEXECVE", "--exec"},
};

static const char *option_for(uint64_t missing)
{
	for (size_t i = 0; i < ARRAY_SIZE(rights); i++)
		if (rights[i].right == missing)
			return rights[i].option;
	return "--read";
}

char paths_grant_of(uint64_t right)
{
	return option_for(right)[2];
}

static const char *right_name(uint64_t missing)
{
	for (size_t i = 0; i < ARRAY_SIZE(rights); i++)
		if (rights[i].right == missing)
			return rights[i].name;
	return "a right";
}

static bool in_proc(const char *name)
{
	return strncmp(name, "/proc", 5) == 0 && (name[5] == '/' || name[5] == '\0');
}

static bool exists(const char *name)
{
	struct stat st;

	return lstat(name, &st) == 0 || errno != ENOENT;
}

/*
 * A name as it may be shown on a terminal: control characters, DEL, bytes
 * above ASCII (C1 controls, bidirectional overrides in UTF-8) and
 * backslashes escaped (\xNN, \\), so that a name the program chose
 * cannot break a report line, move the cursor or hide its text.  out has
 * 4 * PATH_MAX bytes.
 */
static void visible(const char *in, char *out)
{
	size_t o = 0;

	for (; *in && o + 5 < 4 * PATH_MAX; in++) {
		unsigned char c = (unsigned char)*in;

		if (c < 0x20 || c >= 0x7f || c == '\\')
			o += (size_t)snprintf(out + o, 5, c == '\\' ? "\\\\" : "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

/*
 * A visible name as one word for a POSIX shell: as it is if it holds only
 * characters no shell treats specially, in single quotes otherwise, so a
 * suggestion pasted from a report line runs nothing the name contains.
 * out has 5 * PATH_MAX bytes.
 */
static void shell_word(const char *in, char *out)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                            "0123456789_-+=/.,:@%";
	size_t o = 0;

	if (*in && strspn(in, plain) == strlen(in)) {
		snprintf(out, 5 * PATH_MAX, "%s", in);
		return;
	}
	out[o++] = '\'';
	for (; *in && o + 6 < 5 * PATH_MAX; in++) {
		if (*in == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			out[o++] = *in;
		}
	}
	out[o++] = '\'';
	out[o] = '\0';
}

bool paths_refused(int nr, const struct named *n, int err, uint64_t missing, bool entry_op)
{
	/* on the heap: workers' stacks are small, and thread-local storage comes out of them */
	struct {
		char shown[4 * PATH_MAX], place[4 * PATH_MAX], grant[4 * PATH_MAX];
		char word[5 * PATH_MAX], line[19 * PATH_MAX], dir[PATH_MAX];
	} * b;
	char *shown, *place, *grant, *word, *line, *dir;
	const char *call = paths_call_name(nr), *where = n->shown;
	bool violation;
	int len;

	/*
	 * A name no grant covers that does not exist either (the loader's
	 * /etc/ld.so.preload, a configuration file looked for) needs no grant:
	 * no violation, reported under --trace only.  The program learns
	 * nothing from this: it gets ENOENT either way.
	 */
	violation = !(err == ENOENT && n->entry < 0 && !entry_op && !exists(n->shown));
	/*
	 * Nor is a name in /proc, which no grant can allow (the C library and
	 * libselinux look there at every start): reported under --trace only.
	 */
	if (in_proc(n->shown))
		violation = false;
	if (!(log_flags & PATH_LOG_TRACE) && !(violation && (log_flags & PATH_LOG_REFUSALS)))
		return violation;
	if ((b = malloc(sizeof(*b))) == NULL)
		return violation;
	shown = b->shown;
	place = b->place;
	grant = b->grant;
	line = b->line;
	word = b->word;
	dir = b->dir;
	grant[0] = '\0';
	if (entry_op) {
		char *slash;

		strcpy(dir, n->shown);
		slash = strrchr(dir, '/');
		if (slash != NULL && slash != dir)
			*slash = '\0';
		else
			strcpy(dir, "/");
		where = dir;
	}
	visible(n->shown, shown);
	visible(where, place);
	if (n->entry >= 0)
		visible(n->whole ? n->shown : paths_entry_name(n->entry), grant);
	/* the suggestion: one shell word */
	shell_word(n->entry < 0 || err == ECAPMODE ? place : grant, word);
	if (in_proc(n->shown))
		len = snprintf(line, sizeof(b->line),
		               "capsicum: refused %s(\"%s\"): /proc is never served in capability "
		               "mode\n",
		               call, shown);
	else if (n->entry < 0 || err == ECAPMODE)
		len =
		    snprintf(line, sizeof(b->line),
		             "capsicum: refused %s(\"%s\"): no grant covers it (to allow: %s %s)\n",
		             call, shown, option_for(missing), word);
	else
		len = snprintf(line, sizeof(b->line),
		               "capsicum: refused %s(\"%s\"): %s is granted without %s (to allow: "
		               "%s %s)\n",
		               call, shown, grant, right_name(missing), option_for(missing), word);
	log_line(line, len < (int)sizeof(b->line) ? len : (int)sizeof(b->line) - 1);
	free(b);
	return violation;
}

void paths_exec_refused(const char *name)
{
	char shown[4 * PATH_MAX], line[5 * PATH_MAX];
	int len;

	if (!(log_flags & (PATH_LOG_REFUSALS | PATH_LOG_TRACE)))
		return;
	visible(name, shown);
	len = snprintf(line, sizeof(line),
	               "capsicum: refused execve(\"%s\"): a program cannot run another by name in "
	               "capability mode\n",
	               shown);
	log_line(line, len < (int)sizeof(line) ? len : (int)sizeof(line) - 1);
}

void paths_traced(struct target *t, const struct seccomp_data *d, int err)
{
	char line[256];
	int len;

	if (!(log_flags & PATH_LOG_TRACE))
		return;
	len = snprintf(
	    line, sizeof(line),
	    "capsicum: trace: thread %d: %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx) = %s\n",
	    (int)t->tid, paths_call_name((int)d->nr), (unsigned long long)d->args[0],
	    (unsigned long long)d->args[1], (unsigned long long)d->args[2],
	    (unsigned long long)d->args[3], (unsigned long long)d->args[4],
	    (unsigned long long)d->args[5], err == ECAPMODE ? "ECAPMODE" : "ENOTCAPABLE");
	log_line(line, len);
}

/* --- Learning. --- */

bool paths_learning(void)
{
	return (log_flags & PATH_LOG_LEARN) != 0;
}

void paths_learn(struct target *t, int dirfd, const char *path, char need, bool open)
{
	char base[PATH_MAX], abs[2 * PATH_MAX], name[PATH_MAX], line[PATH_MAX + 8], proc[64];
	struct stat st;
	ssize_t n = 0;
	char kind;

	if (path[0] != '/') {
		if (dirfd == AT_FDCWD)
			snprintf(proc, sizeof(proc), "/proc/%d/cwd", (int)t->tid);
		else
			snprintf(proc, sizeof(proc), "/proc/%d/fd/%d", (int)t->tid, dirfd);
		if ((n = readlink(proc, base, sizeof(base) - 1)) <= 0 || base[0] != '/')
			return;
	}
	base[n] = '\0';
	snprintf(abs, sizeof(abs), "%s/%s", base, path);
	if (paths_normalise(abs, name) != 0)
		return;
	/* What is there now, before the call: f(ile), d(irectory) or -(nothing). */
	kind = lstat(name, &st) != 0 ? '-' : S_ISDIR(st.st_mode) ? 'd' : 'f';
	if (kind == 'f' && stat(name, &st) == 0 && S_ISDIR(st.st_mode))
		kind = 'd';
	/* O_CREAT on a file that exists writes to it: a grant of the file will do */
	if (open && need == 'c' && kind == 'f')
		need = 'w';
	n = snprintf(line, sizeof(line), "%c%c %s\n", need, kind, name);
	if (n > 0 && n < (ssize_t)sizeof(line))
		log_line(line, (int)n);
}
