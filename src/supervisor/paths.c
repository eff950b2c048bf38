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
	paths_report_flags(flags);
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

const char *paths_entry_name(int e)
{
	const char *name;

	/* entries are only added, and a prefix never changes once added */
	pthread_rwlock_rdlock(&lock);
	name = e >= 0 && (size_t)e < n_entries ? entries[e].prefix : "?";
	pthread_rwlock_unlock(&lock);
	return name;
}

void paths_exec(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	char name[PATH_MAX];
	bool named = target_read_path(t, d->args[0], name) == 0;

	if (!t->capmode) {
		if (named && paths_learning())
			paths_learn(t, AT_FDCWD, name, 'x', false);
		r->cont = true;
		return;
	}
	r->error = ECAPMODE;
	r->refused = true;
	if (named)
		paths_exec_refused(name);
}
