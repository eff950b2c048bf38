/*
 * The path table of a SUP_PATHS supervisor (paths.h): translating global
 * names into lookups beneath the caller's descriptors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "ctl.h"
#include "logq.h"
#include "paths.h"
#include "slow.h"

#define MAX_ENTRIES 256
#define MAX_LINKS   40 /* as the kernel's lookups */
#define BENEATH     (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)

/*
 * A grant: the supervisor's own copy of the descriptor the launcher
 * entered, and the state it had then.  Not the number: the program may
 * close it and put another file there (an unrestricted one, through the
 * kernel), which must not become the grant.
 */
struct entry {
	char *prefix; /* normalised, absolute */
	size_t len;
	int copy;
	struct record rec;
};

static bool enabled;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct entry entries[MAX_ENTRIES];
static size_t n_entries;
static char *cwd; /* normalised, absolute, or NULL */
static unsigned log_flags;

void paths_enable(void)
{
	enabled = true;
}

bool paths_enabled(void)
{
	return enabled;
}

int paths_normalise(const char *in, char *out)
{
	size_t o = 0;

	out[0] = '\0';
	while (*in) {
		const char *c = in;
		size_t len;

		while (*c == '/')
			c++;
		len = strcspn(c, "/");
		in = c + len;
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			out[o] = '\0';
			continue;
		}
		if (o + 1 + len + 1 > PATH_MAX)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, c, len);
		o += len;
		out[o] = '\0';
	}
	if (o == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	return 0;
}

/* The entry with the longest prefix covering name, and the rest after it; -1 if none. */
static int covering(const char *name, const char **rest)
{
	int best = -1;

	for (size_t i = 0; i < n_entries; i++) {
		const struct entry *e = &entries[i];
		const char *r;

		if (e->len == 1)
			r = name + 1; /* "/" */
		else if (strncmp(name, e->prefix, e->len) == 0 &&
		         (name[e->len] == '\0' || name[e->len] == '/'))
			r = name + e->len + (name[e->len] == '/');
		else
			continue;
		if (best < 0 || e->len > entries[best].len) {
			best = (int)i;
			*rest = r;
		}
	}
	return best;
}

/*
 * Resolve the symbolic links in name that lead out of their entry,
 * through the table, one component at a time: what has been walked holds
 * no link, so ".." in what follows is its lexical parent.  A component
 * no entry covers (a directory above the granted ones) is taken as named.
 * The final component is followed only if follow.  name is rewritten.
 */
static int canonical(char *name, bool follow)
{
	char out[PATH_MAX], todo[PATH_MAX], link[PATH_MAX];
	int links = 0;

	strcpy(todo, name);
	strcpy(out, "/");
	for (;;) {
		char *comp = todo, cand[PATH_MAX], norm[PATH_MAX];
		const char *rest;
		size_t len;
		int e, fd;
		ssize_t n;
		struct stat st;

		while (*comp == '/')
			comp++;
		if (*comp == '\0')
			break;
		len = strcspn(comp, "/");
		if (snprintf(cand, sizeof(cand), "%s%s%.*s", out, strcmp(out, "/") ? "/" : "",
		             (int)len, comp) >= (int)sizeof(cand))
			return -ENAMETOOLONG;
		memmove(todo, comp + len, strlen(comp + len) + 1);
		if (paths_normalise(cand, norm) != 0)
			return -ENAMETOOLONG;
		strcpy(cand, norm);
		e = covering(cand, &rest);
		if (e < 0 || *rest == '\0' || (todo[strspn(todo, "/")] == '\0' && !follow)) {
			strcpy(out, cand);
			continue;
		}
		fd = entries[e].copy;
		struct open_how how = {.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		                       .resolve = BENEATH};
		int obj = (int)syscall(SYS_openat2, fd, rest, &how, sizeof(how));

		if (obj < 0) {
			if (errno == EXDEV)
				return -ENOTCAPABLE; /* changed under us */
			strcpy(out, cand);           /* the call itself will fail */
			continue;
		}
		n = -1;
		if (fstat(obj, &st) == 0 && S_ISLNK(st.st_mode))
			n = readlinkat(obj, "", link, sizeof(link) - 1);
		close(obj);
		if (n < 0) {
			strcpy(out, cand);
			continue;
		}
		if (++links > MAX_LINKS)
			return -ELOOP;
		link[n] = '\0';
		if (strlen(link) + 1 + strlen(todo) + 1 > PATH_MAX)
			return -ENAMETOOLONG;
		memmove(todo + n + 1, todo, strlen(todo) + 1);
		memcpy(todo, link, (size_t)n);
		todo[n] = '/';
		if (link[0] == '/')
			strcpy(out, "/");
	}
	strcpy(name, out);
	return 0;
}

/* Whether name is a directory above an entry. */
static bool ancestor(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < n_entries; i++)
		if (strcmp(name, "/") == 0 ||
		    (strncmp(entries[i].prefix, name, n) == 0 && entries[i].prefix[n] == '/'))
			return true;
	return false;
}

int paths_resolve(char *path, bool follow, int *dir, struct record *rec, struct named *n)
{
	const char *rest;
	char abs[PATH_MAX];
	bool slash = path[0] && path[strlen(path) - 1] == '/';
	int r = 0, e;

	n->entry = -1;
	n->whole = n->ancestor = false;
	if (path[0] == '/')
		strcpy(abs, path);
	else if (cwd == NULL)
		return -ECAPMODE;
	else if (snprintf(abs, sizeof(abs), "%s/%s", cwd, path) >= (int)sizeof(abs))
		return -ENAMETOOLONG;
	if (paths_normalise(abs, n->shown) != 0)
		return -ENAMETOOLONG;
	*dir = -1;
	pthread_rwlock_rdlock(&lock);
	e = covering(n->shown, &rest);
	if (e >= 0 && *rest != '\0') {
		/* A link leading out of the entry makes openat2 say EXDEV: walk it. */
		struct open_how how = {.flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
		                       .resolve = BENEATH};
		int obj = (int)syscall(SYS_openat2, entries[e].copy, rest, &how, sizeof(how));

		if (obj >= 0)
			close(obj);
		else if (errno == EXDEV) {
			char name[PATH_MAX];

			strcpy(name, n->shown);
			if ((r = canonical(name, follow)) == 0) {
				strcpy(n->shown, name);
				e = covering(n->shown, &rest);
			}
		}
	}
	/*
	 * A name no grant covers does not exist, for the program: ENOENT, as
	 * for a name a configuration search looks for in vain, whether or not
	 * it exists.  Only the directories above a grant are seen, and only
	 * their attributes (a path walk such as realpath() needs them).
	 */
	if (r == 0 && e < 0) {
		n->ancestor = ancestor(n->shown);
		r = n->ancestor ? 0 : -ENOENT;
	} else if (r == 0) {
		n->entry = e;
		n->whole = *rest == '\0';
		*rec = entries[e].rec;
		if (snprintf(path, PATH_MAX, "%s%s", rest, slash && *rest ? "/" : "") >= PATH_MAX)
			r = -ENAMETOOLONG;
		else if ((*dir = fcntl(entries[e].copy, F_DUPFD_CLOEXEC, 0)) < 0)
			r = -errno;
	}
	pthread_rwlock_unlock(&lock);
	return r;
}

void paths_getcwd(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	size_t len;

	if (!t->capmode) {
		r->cont = true;
		return;
	}
	pthread_rwlock_rdlock(&lock);
	if (cwd == NULL) {
		r->error = ECAPMODE;
	} else if ((len = strlen(cwd) + 1) > d->args[1]) {
		r->error = ERANGE;
	} else if (target_write(t, d->args[0], cwd, len) != 0) {
		r->error = EFAULT;
	} else {
		r->val = (int64_t)len;
	}
	pthread_rwlock_unlock(&lock);
}

/* --- The table's requests. --- */

static int read_name(struct target *t, uint64_t addr, uint64_t len, char *out)
{
	char raw[PATH_MAX];

	if (len == 0 || len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (target_read(t, addr, raw, (size_t)len) != 0 || !target_valid(t))
		return -EFAULT;
	raw[len] = '\0';
	if (raw[0] != '/' || strlen(raw) != len)
		return -EINVAL;
	return paths_normalise(raw, out);
}

static int add(struct target *t, int fd, uint64_t addr, uint64_t len)
{
	char name[PATH_MAX];
	struct record rec;
	int copy, r = read_name(t, addr, len, name);

	if (r != 0)
		return r;
	if ((copy = target_getfd(t, fd)) < 0)
		return copy;
	if (slow_state(t, fd, copy, &rec) != 0) {
		close(copy);
		return -ENOTCAPABLE;
	}
	pthread_rwlock_wrlock(&lock);
	for (size_t i = 0; i < n_entries; i++)
		if (strcmp(entries[i].prefix, name) == 0) {
			close(entries[i].copy);
			entries[i].copy = copy;
			entries[i].rec = rec;
			goto out;
		}
	if (n_entries == MAX_ENTRIES) {
		r = -ENOSPC;
	} else if ((entries[n_entries].prefix = strdup(name)) == NULL) {
		r = -ENOMEM;
	} else {
		entries[n_entries].len = strlen(name);
		entries[n_entries].copy = copy;
		entries[n_entries++].rec = rec;
		copy = -1;
	}
	if (copy >= 0 && r != 0)
		close(copy);
out:
	pthread_rwlock_unlock(&lock);
	return r;
}

static int set_cwd(struct target *t, uint64_t addr, uint64_t len)
{
	char name[PATH_MAX], *dup;
	int r = read_name(t, addr, len, name);

	if (r != 0)
		return r;
	if ((dup = strdup(name)) == NULL)
		return -ENOMEM;
	pthread_rwlock_wrlock(&lock);
	free(cwd);
	cwd = dup;
	pthread_rwlock_unlock(&lock);
	return 0;
}

static int set_log(struct target *t, int fd, unsigned flags)
{
	int copy = target_getfd(t, fd);

	if (copy < 0)
		return copy;
	if (logq_set(copy) != 0) {
		close(copy);
		return -EAGAIN;
	}
	log_flags = flags;
	if (flags & PATH_NET)
		net_grant();
	return 0;
}

void serve_path_ctl(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	int res;

	/* Only the launcher, before it confines itself, sets the table. */
	if (!enabled)
		res = -EINVAL;
	else if (t->capmode)
		res = -ECAPMODE;
	else if (d->args[1] == CTL_PATH_ADD)
		res = add(t, (int)(uint32_t)d->args[2], d->args[3], d->args[4]);
	else if (d->args[1] == CTL_PATH_CWD)
		res = set_cwd(t, d->args[2], d->args[3]);
	else
		res = set_log(t, (int)(uint32_t)d->args[2], (unsigned)d->args[3]);
	if (res < 0)
		r->error = -res;
}

/* --- Reports. --- */

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
	pthread_rwlock_rdlock(&lock);
	if (n->entry >= 0)
		visible(n->whole ? n->shown : entries[n->entry].prefix, grant);
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
	pthread_rwlock_unlock(&lock);
	log_line(line, len < (int)sizeof(b->line) ? len : (int)sizeof(b->line) - 1);
	free(b);
	return violation;
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

/* --- The old path calls, as *at calls. --- */

#define K   0xff /* the slot takes the constant */
#define END 0xfe /* no such argument */

static const struct legacy {
	int nr, at;
	uint8_t from[6]; /* the argument each slot of the *at call takes, K or END */
	int64_t k[6];
} legacy[] = {
    {NR_open, NR_openat, {K, 0, 1, 2, END, END}, {AT_FDCWD}},
    {NR_creat, NR_openat, {K, 0, K, 1, END, END}, {AT_FDCWD, 0, O_CREAT | O_WRONLY | O_TRUNC}},
    {NR_stat, NR_newfstatat, {K, 0, 1, K, END, END}, {AT_FDCWD, 0, 0, 0}},
    {NR_lstat, NR_newfstatat, {K, 0, 1, K, END, END}, {AT_FDCWD, 0, 0, AT_SYMLINK_NOFOLLOW}},
    {NR_access, NR_faccessat, {K, 0, 1, END, END, END}, {AT_FDCWD}},
    {NR_readlink, NR_readlinkat, {K, 0, 1, 2, END, END}, {AT_FDCWD}},
    {NR_mkdir, NR_mkdirat, {K, 0, 1, END, END, END}, {AT_FDCWD}},
    {NR_mknod, NR_mknodat, {K, 0, 1, 2, END, END}, {AT_FDCWD}},
    {NR_rmdir, NR_unlinkat, {K, 0, K, END, END, END}, {AT_FDCWD, 0, AT_REMOVEDIR}},
    {NR_unlink, NR_unlinkat, {K, 0, K, END, END, END}, {AT_FDCWD, 0, 0}},
    {NR_rename, NR_renameat, {K, 0, K, 1, END, END}, {AT_FDCWD, 0, AT_FDCWD}},
    {NR_link, NR_linkat, {K, 0, K, 1, K, END}, {AT_FDCWD, 0, AT_FDCWD, 0, 0}},
    {NR_symlink, NR_symlinkat, {0, K, 1, END, END, END}, {0, AT_FDCWD}},
    {NR_chmod, NR_fchmodat, {K, 0, 1, END, END, END}, {AT_FDCWD}},
    {NR_chown, NR_fchownat, {K, 0, 1, 2, K, END}, {AT_FDCWD, 0, 0, 0, 0}},
    {NR_lchown, NR_fchownat, {K, 0, 1, 2, K, END}, {AT_FDCWD, 0, 0, 0, AT_SYMLINK_NOFOLLOW}},
    {NR_utimes, NR_futimesat, {K, 0, 1, END, END, END}, {AT_FDCWD}},
    /* no *at form on registers: pseudo ones, the flags in args[5] (lookup.c) */
    {NR_getxattr, NR_getxattr, {K, 0, 1, 2, 3, K}, {AT_FDCWD, 0, 0, 0, 0, 0}},
    {NR_lgetxattr, NR_getxattr, {K, 0, 1, 2, 3, K}, {AT_FDCWD, 0, 0, 0, 0, AT_SYMLINK_NOFOLLOW}},
    {NR_listxattr, NR_listxattr, {K, 0, 1, 2, END, K}, {AT_FDCWD, 0, 0, 0, 0, 0}},
    {NR_llistxattr,
     NR_listxattr,
     {K, 0, 1, 2, END, K},
     {AT_FDCWD, 0, 0, 0, 0, AT_SYMLINK_NOFOLLOW}},
};

const struct seccomp_data *paths_legacy(const struct seccomp_data *d, struct seccomp_data *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(legacy); i++) {
		const struct legacy *l = &legacy[i];

		if (l->nr != (int)d->nr)
			continue;
		*out = *d;
		out->nr = l->at;
		for (int a = 0; a < 6; a++)
			out->args[a] = l->from[a] == K     ? (uint64_t)l->k[a]
			               : l->from[a] == END ? 0
			                                   : d->args[l->from[a]];
		return out;
	}
	return NULL;
}

static const struct {
	int nr;
	const char *name;
} names[] = {
#define SYSCALL(name, nr) {nr, #name},
#include "../arch/x86_64.def"
#undef SYSCALL
};

const char *paths_call_name(int nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return "a system call";
}
