/*
 * Directory capabilities (spec 1.5, 2.8-2.10) as the supervisor provides
 * them: lookups beneath a directory descriptor in capability mode and
 * beneath a rights-limited one outside it, what every served call does,
 * the rights each needs, signals to oneself, races against the lookup,
 * inheritance, and the supervisor's life and death.  Attacks aimed at the
 * supervisor itself are in test_supervisor_attack.c.
 *
 * Every case runs in a forked process of its own and builds its fixtures
 * with ordinary calls, in a fresh directory of its own, before it limits
 * anything or enters capability mode.  Where an effect must be seen from
 * outside capability mode, a child does the work confined and the test
 * process looks at the result with plain system calls.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/openat2.h>

#include <sys/capsicum.h>

#include "harness.h"
#include "supervised.h"
#include "supervisor/ctl.h"
#include "rights/state.h"

/* Newer than some build machines' headers. */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

#define ENTER() ck_assert_int_eq(cap_enter(), 0)

/* ---- Fixtures. ---- */

/* One directory per tcase run, holding one directory per test; the runner removes it. */
static void base_setup(void)
{
	scratch_setup("dircap");
}

/*
 * A test's world:
 *
 *	top/            the test's own directory (mkdtemp)
 *	top/x           a file outside the capability: reaching it is an escape
 *	top/d/          the directory capability, descriptor d
 *	top/d/f         "file\n"
 *	top/d/sub/f     "subfile\n"
 *	top/d/inside -> sub/f         a symlink that stays beneath
 *	top/d/abs    -> /etc/passwd   an absolute target
 *	top/d/climb  -> ../../etc     a relative target that leaves
 *	top/d/up     -> ../x          one that leaves for a file that exists
 */
struct fx {
	char top[256], dir[PATH_MAX];
	int top_fd, d;
};

static void put(int d, const char *name, const char *text)
{
	int f = openat(d, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_msg(f >= 0, "creating %s: errno %d", name, errno);
	ck_assert_int_eq(write(f, text, strlen(text)), (ssize_t)strlen(text));
	close(f);
}

static void fixture(struct fx *fx)
{
	snprintf(fx->top, sizeof(fx->top), "%s/t.XXXXXX", scratch_dir());
	ck_assert_ptr_nonnull(mkdtemp(fx->top));
	snprintf(fx->dir, sizeof(fx->dir), "%s/d", fx->top);
	ck_assert_int_ge(fx->top_fd = open(fx->top, O_RDONLY | O_DIRECTORY | O_CLOEXEC), 0);
	ck_assert_int_eq(mkdirat(fx->top_fd, "d", 0755), 0);
	ck_assert_int_ge(fx->d = openat(fx->top_fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC), 0);
	put(fx->top_fd, "x", "outside\n");
	put(fx->d, "f", "file\n");
	ck_assert_int_eq(mkdirat(fx->d, "sub", 0755), 0);
	put(fx->d, "sub/f", "subfile\n");
	ck_assert_int_eq(symlinkat("sub/f", fx->d, "inside"), 0);
	ck_assert_int_eq(symlinkat("/etc/passwd", fx->d, "abs"), 0);
	ck_assert_int_eq(symlinkat("../../etc", fx->d, "climb"), 0);
	ck_assert_int_eq(symlinkat("../x", fx->d, "up"), 0);
}

/* Another open file description of fx's directory: limits are recorded per description. */
static int fresh(const struct fx *fx)
{
	int d = openat(fx->d, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_msg(d >= 0, "openat(d, \".\"): errno %d", errno);
	return d;
}

static void limit(int fd, const cap_rights_t *r)
{
	ck_assert_int_eq(cap_rights_limit(fd, r), 0);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* What the file at (d, name) holds, read with plain calls outside capability mode. */
static const char *contents(int d, const char *name, char *buf, size_t size)
{
	int fd = openat(d, name, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void run_child(void (*fn)(void *), void *arg)
{
	reap(spawn(fn, arg));
}

/* ---- The lookup matrix. ---- */

enum call {
	C_OPEN,
	C_OPENAT2,
	C_STAT,
	C_STATX,
	C_ACCESS,
	C_ACCESS2,
	C_OPEN_NOFOLLOW,
	C_LSTAT,
	C_ACCESS2_NOFOLLOW,
	C_READLINK,
};

static const char *const call_name[] = {
    [C_OPEN] = "openat",
    [C_OPENAT2] = "openat2",
    [C_STAT] = "fstatat",
    [C_STATX] = "statx",
    [C_ACCESS] = "faccessat",
    [C_ACCESS2] = "faccessat2",
    [C_OPEN_NOFOLLOW] = "openat(O_NOFOLLOW)",
    [C_LSTAT] = "fstatat(AT_SYMLINK_NOFOLLOW)",
    [C_ACCESS2_NOFOLLOW] = "faccessat2(AT_SYMLINK_NOFOLLOW)",
    [C_READLINK] = "readlinkat",
};

/* The calls that follow a final symlink, those that do not, and readlinkat. */
static const enum call follow_calls[] = {C_OPEN, C_OPENAT2, C_STAT, C_STATX, C_ACCESS, C_ACCESS2};
static const enum call nofollow_calls[] = {C_LSTAT, C_ACCESS2_NOFOLLOW};
static const enum call open_nofollow[] = {C_OPEN_NOFOLLOW};
static const enum call readlink_call[] = {C_READLINK};

/*
 * Call c on (d, path): 0 with the identity of what it reached in *st (for
 * readlinkat the link's text in link), or -1 and errno.  Descriptors are
 * closed again; fstat is the system call, allowed in capability mode.
 */
static int lookup(enum call c, int d, const char *path, struct stat *st, char *link)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};
	struct statx stx;
	ssize_t n;
	int fd, r, e;

	memset(st, 0, sizeof(*st));
	switch (c) {
	case C_OPEN:
	case C_OPEN_NOFOLLOW:
		fd =
		    openat(d, path, O_RDONLY | O_CLOEXEC | (c == C_OPEN_NOFOLLOW ? O_NOFOLLOW : 0));
		break;
	case C_OPENAT2:
		fd = (int)syscall(SYS_openat2, d, path, &how, sizeof(how));
		break;
	case C_STAT:
		return fstatat(d, path, st, 0);
	case C_LSTAT:
		return fstatat(d, path, st, AT_SYMLINK_NOFOLLOW);
	case C_STATX:
		if (statx(d, path, 0, STATX_INO, &stx) != 0)
			return -1;
		st->st_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
		st->st_ino = stx.stx_ino;
		return 0;
	case C_ACCESS:
		return (int)syscall(SYS_faccessat, d, path, R_OK);
	case C_ACCESS2:
		return (int)syscall(SYS_faccessat2, d, path, R_OK, 0);
	case C_ACCESS2_NOFOLLOW:
		return (int)syscall(SYS_faccessat2, d, path, F_OK, AT_SYMLINK_NOFOLLOW);
	case C_READLINK:
		n = readlinkat(d, path, link, PATH_MAX - 1);
		if (n < 0)
			return -1;
		link[n] = '\0';
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
	if (fd < 0)
		return -1;
	r = fstat(fd, st);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

/*
 * One row: the path, the errno it must fail with (0: success), and on
 * success what it reaches -- an entry beneath the directory, compared by
 * identity with lstat taken before capability mode -- or, for readlinkat,
 * the link's text.
 */
struct row {
	const char *path;
	int err;
	const char *is;
};

#define ROWS_MAX 32

struct table {
	const char *where;
	const struct row *rows;
	size_t n;
	struct stat id[ROWS_MAX];
};

/* The identities of the rows' targets, with plain calls: before capability mode. */
static void identify(struct table *t, int d, const enum call *calls)
{
	ck_assert_uint_le(t->n, ROWS_MAX);
	for (size_t i = 0; i < t->n; i++) {
		const struct row *row = &t->rows[i];

		if (row->err == 0 && calls[0] != C_READLINK)
			ck_assert_msg(fstatat(d, row->is, &t->id[i], AT_SYMLINK_NOFOLLOW) == 0,
			              "fixture %s missing", row->is);
	}
}

/* Run every call of the table's rows on d; report every mismatch at once. */
static void check_table(const struct table *t, int d, const enum call *calls, size_t ncalls)
{
	char failures[4096] = "", link[PATH_MAX];
	size_t used = 0;
	int nfail = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct row *row = &t->rows[i];

		for (size_t k = 0; k < ncalls; k++) {
			enum call c = calls[k];
			struct stat st;
			const char *why = NULL;
			int r, e;

			errno = 0;
			r = lookup(c, d, row->path, &st, link);
			e = errno;
			if (row->err != 0 && (r != -1 || e != row->err))
				why = "wrong result";
			else if (row->err == 0 && r != 0)
				why = "failed";
			else if (row->err == 0 && c == C_READLINK && strcmp(link, row->is) != 0)
				why = "wrong link text";
			else if (row->err == 0 && c != C_READLINK && c != C_ACCESS &&
			         c != C_ACCESS2 && c != C_ACCESS2_NOFOLLOW &&
			         !same_file(&st, &t->id[i]))
				why = "reached the wrong file";
			if (why == NULL)
				continue;
			nfail++;
			if (used < sizeof(failures) - 1)
				used += (size_t)snprintf(
				    failures + used, sizeof(failures) - used,
				    "\n  %s(\"%s\"): %s: returned %d errno %d (%s); want %s",
				    call_name[c], row->path, why, r, e, strerror(e),
				    row->err ? strerror(row->err) : "success");
		}
	}
	ck_assert_msg(nfail == 0, "%s: %d mismatches:%s", t->where, nfail, failures);
}

#define TABLE(w, r)                                                                                \
	{                                                                                          \
		.where = (w), .rows = (r), .n = ARRAY_LEN(r)                                       \
	}

/* Calls that follow a final symlink, beneath the capability. */
static const struct row follow_rows[] = {
    {"f", 0, "f"},
    {"sub/f", 0, "sub/f"},
    {"sub/../f", 0, "f"},
    {"./sub//f", 0, "sub/f"},
    {".", 0, "."},
    {"inside", 0, "sub/f"},
    {"sub/../inside", 0, "sub/f"},
    {"..", ENOTCAPABLE, NULL},
    {"../x", ENOTCAPABLE, NULL},
    {"sub/../../x", ENOTCAPABLE, NULL},
    {"/etc/passwd", ENOTCAPABLE, NULL},
    {"abs", ENOTCAPABLE, NULL},
    {"climb", ENOTCAPABLE, NULL},
    {"climb/passwd", ENOTCAPABLE, NULL},
    {"up", ENOTCAPABLE, NULL},
    {"missing", ENOENT, NULL},
    {"", ENOENT, NULL},
    {"f/", ENOTDIR, NULL},
};

/* Calls that do not follow a final symlink: the links themselves are beneath. */
static const struct row nofollow_rows[] = {
    {"f", 0, "f"},
    {"sub/../f", 0, "f"},
    {"inside", 0, "inside"},
    {"abs", 0, "abs"},
    {"climb", 0, "climb"},
    {"up", 0, "up"},
    {"..", ENOTCAPABLE, NULL},
    {"../x", ENOTCAPABLE, NULL},
    {"sub/../../x", ENOTCAPABLE, NULL},
    {"/etc/passwd", ENOTCAPABLE, NULL},
    {"climb/passwd", ENOTCAPABLE, NULL},
    {"up/", ENOTCAPABLE, NULL},
    {"missing", ENOENT, NULL},
};

/* O_NOFOLLOW: a final symlink is ELOOP (FreeBSD says EMLINK), wherever it points. */
static const struct row open_nofollow_rows[] = {
    {"f", 0, "f"},        {"sub/../f", 0, "f"}, {"inside", ELOOP, NULL},
    {"abs", ELOOP, NULL}, {"up", ELOOP, NULL},  {"../x", ENOTCAPABLE, NULL},
};

/* readlinkat reads the link beneath, whatever its text says. */
static const struct row readlink_rows[] = {
    {"inside", 0, "sub/f"},
    {"sub/../inside", 0, "sub/f"},
    {"abs", 0, "/etc/passwd"},
    {"climb", 0, "../../etc"},
    {"up", 0, "../x"},
    {"..", ENOTCAPABLE, NULL},
    {"../x", ENOTCAPABLE, NULL},
    {"/etc/passwd", ENOTCAPABLE, NULL},
    {"climb/passwd", ENOTCAPABLE, NULL},
    {"missing", ENOENT, NULL},
    {"", ENOENT, NULL},
};

START_TEST(follow_matrix_in_capability_mode)
{
	struct table t = TABLE("follow, capability mode", follow_rows);
	struct fx fx;

	fixture(&fx);
	identify(&t, fx.d, follow_calls);
	ENTER();
	assert_supervised();
	check_table(&t, fx.d, follow_calls, ARRAY_LEN(follow_calls));
}
END_TEST

START_TEST(nofollow_matrix_in_capability_mode)
{
	struct table t = TABLE("nofollow, capability mode", nofollow_rows),
	             o = TABLE("O_NOFOLLOW, capability mode", open_nofollow_rows);
	struct fx fx;

	fixture(&fx);
	identify(&t, fx.d, nofollow_calls);
	identify(&o, fx.d, open_nofollow);
	ENTER();
	check_table(&t, fx.d, nofollow_calls, ARRAY_LEN(nofollow_calls));
	check_table(&o, fx.d, open_nofollow, ARRAY_LEN(open_nofollow));
}
END_TEST

START_TEST(readlink_matrix_in_capability_mode)
{
	struct table t = TABLE("readlinkat, capability mode", readlink_rows);
	struct fx fx;

	fixture(&fx);
	ENTER();
	check_table(&t, fx.d, readlink_call, ARRAY_LEN(readlink_call));
}
END_TEST

/*
 * readlinkat of something that is no symlink is EINVAL, on FreeBSD and on
 * Linux alike (ENOENT would say that nothing is there), in capability mode
 * and beneath a limited directory outside it.
 */
START_TEST(readlink_of_a_non_link_is_einval)
{
	static const struct row rows[] = {
	    {"f", EINVAL, NULL},
	    {"sub", EINVAL, NULL},
	    {".", EINVAL, NULL},
	    {"sub/../f", EINVAL, NULL},
	};
	struct table out = TABLE("readlinkat, limited, outside", rows),
	             in = TABLE("readlinkat, capability mode", rows);
	cap_rights_t r;
	struct fx fx;
	int limited;

	fixture(&fx);
	/* the kernel's own answer, for comparison */
	ck_assert_fails(readlinkat(fx.d, "f", (char[8]){0}, 8), EINVAL);
	limited = fresh(&fx);
	limit(limited, cap_rights_init(&r, CAP_LOOKUP));
	check_table(&out, limited, readlink_call, ARRAY_LEN(readlink_call));
	ENTER();
	check_table(&in, fx.d, readlink_call, ARRAY_LEN(readlink_call));
}
END_TEST

/*
 * A limited directory is strict-relative even outside capability mode
 * (spec 2.10): the same answers as in capability mode, for the calls its
 * rights allow.  The absolute path is ENOTCAPABLE here as well, where
 * FreeBSD would resolve it ignoring the directory (DEVIATIONS.md, "Outside
 * capability mode an absolute path ...").
 */
START_TEST(limited_directory_matrix_outside_capability_mode)
{
	struct table f = TABLE("follow, limited, outside", follow_rows),
	             n = TABLE("nofollow, limited, outside", nofollow_rows),
	             r = TABLE("readlinkat, limited, outside", readlink_rows);
	static const enum call no_open[] = {C_STAT, C_STATX, C_ACCESS, C_ACCESS2};
	cap_rights_t rights;
	struct fx fx;

	fixture(&fx);
	identify(&f, fx.d, no_open);
	identify(&n, fx.d, nofollow_calls);
	limit(fx.d, cap_rights_init(&rights, CAP_FSTATAT));
	ck_assert(!cap_sandboxed());
	check_table(&f, fx.d, no_open, ARRAY_LEN(no_open));
	check_table(&n, fx.d, nofollow_calls, ARRAY_LEN(nofollow_calls));
	check_table(&r, fx.d, readlink_call, ARRAY_LEN(readlink_call));
}
END_TEST

/* A descriptor opened beneath an unrestricted directory carries every right (spec 2.8). */
START_TEST(descriptor_opened_beneath_has_all_rights)
{
	cap_rights_t r, all;
	struct fx fx;
	char buf[16] = "";
	int fd;

	fixture(&fx);
	ENTER();
	ck_assert_int_ge(fd = openat(fx.d, "f", O_RDWR), 0);
	ck_assert_int_eq(cap_rights_get(fd, &r), 0);
	CAP_ALL(&all);
	ck_assert(cap_rights_contains(&r, &all));
	ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 5);
	ck_assert_str_eq(buf, "file\n");
	/* and the directory it came from keeps all of its own */
	ck_assert_int_eq(cap_rights_get(fx.d, &r), 0);
	ck_assert(cap_rights_contains(&r, &all));
}
END_TEST

/*
 * procfs is never served: its "self" would be the supervisor.  A
 * directory on /proc is refused at once; a path beneath "/" that ends on
 * procfs is refused after the lookup; one through a magic link is ELOOP
 * (DEVIATIONS.md, "Nothing on procfs is served").  Everything else
 * beneath "/" works: a descriptor for "/" is a capability for all of it.
 */
START_TEST(procfs_is_never_served)
{
	static const struct row proc_rows[] = {
	    {"version", ENOTCAPABLE, NULL},
	    {"self/status", ENOTCAPABLE, NULL},
	    {".", ENOTCAPABLE, NULL},
	};
	static const struct row proc_links[] = {
	    {"self", ENOTCAPABLE, NULL},
	};
	static const struct row root_follow[] = {
	    {"etc/passwd", 0, "etc/passwd"},
	    {"proc/self/status", ENOTCAPABLE, NULL},
	    {"proc", ENOTCAPABLE, NULL},
	    {"dev/stdin", ENOTCAPABLE, NULL},
	    {"proc/self/root/etc/passwd", ELOOP, NULL},
	};
	static const struct row root_nofollow[] = {
	    {"dev/stdin", 0, "dev/stdin"},
	    {"proc/self", ENOTCAPABLE, NULL},
	};
	static const struct row root_readlink[] = {
	    {"dev/stdin", 0, "/proc/self/fd/0"},
	    {"proc/self", ENOTCAPABLE, NULL},
	};
	struct table p = TABLE("dirfd on /proc", proc_rows), pl = TABLE("/proc links", proc_links),
	             rf = TABLE("beneath /", root_follow),
	             rn = TABLE("beneath /, nofollow", root_nofollow),
	             rr = TABLE("readlinkat beneath /", root_readlink);
	int proc, root;

	ck_assert_int_ge(proc = open("/proc", O_RDONLY | O_DIRECTORY), 0);
	ck_assert_int_ge(root = open("/", O_RDONLY | O_DIRECTORY), 0);
	identify(&rf, root, follow_calls);
	identify(&rn, root, nofollow_calls);
	ENTER();
	check_table(&p, proc, follow_calls, ARRAY_LEN(follow_calls));
	check_table(&pl, proc, nofollow_calls, ARRAY_LEN(nofollow_calls));
	check_table(&pl, proc, readlink_call, ARRAY_LEN(readlink_call));
	check_table(&rf, root, follow_calls, ARRAY_LEN(follow_calls));
	check_table(&rn, root, nofollow_calls, ARRAY_LEN(nofollow_calls));
	check_table(&rr, root, readlink_call, ARRAY_LEN(readlink_call));
}
END_TEST

/* The current directory is a global name: AT_FDCWD is ECAPMODE whatever the path. */
START_TEST(at_fdcwd_is_ecapmode)
{
	static const struct row rows[] = {
	    {"f", ECAPMODE, NULL},
	    {"/etc/passwd", ECAPMODE, NULL},
	    {"..", ECAPMODE, NULL},
	};
	static const enum call all[] = {C_OPEN,    C_OPENAT2,       C_STAT,  C_STATX,   C_ACCESS,
	                                C_ACCESS2, C_OPEN_NOFOLLOW, C_LSTAT, C_READLINK};
	struct table t = TABLE("AT_FDCWD", rows);
	struct fx fx;

	fixture(&fx);
	ck_assert_int_eq(fchdir(fx.d), 0);
	ENTER();
	check_table(&t, AT_FDCWD, all, ARRAY_LEN(all));
	ck_assert_fails(mkdirat(AT_FDCWD, "new", 0755), ECAPMODE);
	ck_assert_fails(unlinkat(AT_FDCWD, "f", 0), ECAPMODE);
	ck_assert_fails(symlinkat("f", AT_FDCWD, "ln"), ECAPMODE);
	ck_assert_fails(renameat(AT_FDCWD, "f", fx.d, "g"), ECAPMODE);
	ck_assert_fails(renameat(fx.d, "f", AT_FDCWD, "g"), ECAPMODE);
	ck_assert_fails(linkat(fx.d, "f", AT_FDCWD, "g", 0), ECAPMODE);
	ck_assert_fails(fchmodat(AT_FDCWD, "f", 0600, 0), ECAPMODE);
}
END_TEST

/* openat2's own resolve flags only add to RESOLVE_BENEATH; RESOLVE_IN_ROOT stays inside. */
START_TEST(openat2_resolve_flags)
{
	struct open_how how = {.flags = O_RDONLY};
	struct stat st, want;
	struct fx fx;
	int fd;

	fixture(&fx);
	ck_assert_int_eq(fstatat(fx.d, "f", &want, 0), 0);
	ENTER();
	how.resolve = RESOLVE_IN_ROOT;
	ck_assert_int_ge(fd = (int)syscall(SYS_openat2, fx.d, "/f", &how, sizeof(how)), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert(same_file(&st, &want));
	close(fd);
	ck_assert_int_ge(fd = (int)syscall(SYS_openat2, fx.d, "../../f", &how, sizeof(how)), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert(same_file(&st, &want));
	close(fd);
	how.resolve = RESOLVE_NO_SYMLINKS;
	ck_assert_fails(syscall(SYS_openat2, fx.d, "inside", &how, sizeof(how)), ELOOP);
	how.resolve = 0;
	ck_assert_fails(syscall(SYS_openat2, fx.d, "../x", &how, sizeof(how)), ENOTCAPABLE);
}
END_TEST

/* ---- Every mutating call, in capability mode, seen from outside. ---- */

static void entries_child(void *arg)
{
	struct fx *fx = arg;
	char link[64], abs_path[PATH_MAX + 16];
	ssize_t n;

	snprintf(abs_path, sizeof(abs_path), "%s/escape2", fx->top);
	umask(022);
	CHILD_CHECK(cap_enter() == 0);
	CHILD_CHECK(mkdirat(fx->d, "newdir", 0777) == 0);
	CHILD_CHECK(mkdirat(fx->d, "sub/deeper", 0750) == 0);
	CHILD_FAILS(mkdirat(fx->d, "newdir", 0777), EEXIST);
	CHILD_FAILS(mkdirat(fx->d, "sub/..", 0777), EEXIST);
	CHILD_FAILS(mkdirat(fx->d, "../escape", 0777), ENOTCAPABLE);
	CHILD_FAILS(mkdirat(fx->d, abs_path, 0777), ENOTCAPABLE);
	CHILD_FAILS(mkdirat(fx->d, "climb/escape", 0777), ENOTCAPABLE);
	CHILD_CHECK(mkfifoat(fx->d, "fifo", 0666) == 0);
	CHILD_FAILS(mkfifoat(fx->d, "../fifo", 0666), ENOTCAPABLE);
	CHILD_CHECK(symlinkat("sub/f", fx->d, "ln") == 0);
	/* a link's text is data: an absolute one may be made, just not followed */
	CHILD_CHECK(symlinkat("/etc/passwd", fx->d, "ln_abs") == 0);
	CHILD_FAILS(symlinkat("f", fx->d, "../ln"), ENOTCAPABLE);
	CHILD_FAILS(symlinkat("f", fx->d, "ln"), EEXIST);
	CHILD_CHECK((n = readlinkat(fx->d, "ln", link, sizeof(link))) == 5);
	CHILD_CHECK(memcmp(link, "sub/f", 5) == 0);
	CHILD_FAILS(openat(fx->d, "ln_abs", O_RDONLY), ENOTCAPABLE);
	CHILD_CHECK(unlinkat(fx->d, "gone", 0) == 0);
	CHILD_CHECK(unlinkat(fx->d, "gonedir", AT_REMOVEDIR) == 0);
	CHILD_CHECK(unlinkat(fx->d, "sub/gone", 0) == 0);
	CHILD_FAILS(unlinkat(fx->d, "sub", 0), EISDIR);
	CHILD_FAILS(unlinkat(fx->d, "sub", AT_REMOVEDIR), ENOTEMPTY);
	CHILD_FAILS(unlinkat(fx->d, "f", AT_REMOVEDIR), ENOTDIR);
	CHILD_FAILS(unlinkat(fx->d, "missing", 0), ENOENT);
	CHILD_FAILS(unlinkat(fx->d, "../x", 0), ENOTCAPABLE);
	CHILD_FAILS(unlinkat(fx->d, "climb/passwd", 0), ENOTCAPABLE);
}

START_TEST(create_and_remove_entries)
{
	struct fx fx;
	struct stat st;
	char buf[64];

	fixture(&fx);
	put(fx.d, "gone", "x");
	put(fx.d, "sub/gone", "x");
	ck_assert_int_eq(mkdirat(fx.d, "gonedir", 0755), 0);
	run_child(entries_child, &fx);

	/* mkdirat: the mode less the caller's umask */
	ck_assert_int_eq(fstatat(fx.d, "newdir", &st, 0), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	ck_assert_int_eq(fstatat(fx.d, "sub/deeper", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0750);
	ck_assert_fails(fstatat(fx.top_fd, "escape", &st, 0), ENOENT);
	ck_assert_fails(fstatat(fx.top_fd, "escape2", &st, 0), ENOENT);
	/* mkfifoat */
	ck_assert_int_eq(fstatat(fx.d, "fifo", &st, 0), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_fails(fstatat(fx.top_fd, "fifo", &st, 0), ENOENT);
	/* symlinkat */
	ck_assert_int_eq(readlinkat(fx.d, "ln", buf, sizeof(buf)), 5);
	ck_assert_int_eq(memcmp(buf, "sub/f", 5), 0);
	ck_assert_int_eq(readlinkat(fx.d, "ln_abs", buf, sizeof(buf)), 11);
	ck_assert_fails(fstatat(fx.top_fd, "ln", &st, AT_SYMLINK_NOFOLLOW), ENOENT);
	/* unlinkat */
	ck_assert_fails(fstatat(fx.d, "gone", &st, 0), ENOENT);
	ck_assert_fails(fstatat(fx.d, "gonedir", &st, 0), ENOENT);
	ck_assert_fails(fstatat(fx.d, "sub/gone", &st, 0), ENOENT);
	ck_assert_int_eq(fstatat(fx.d, "sub", &st, 0), 0);
	ck_assert_str_eq(contents(fx.top_fd, "x", buf, sizeof(buf)), "outside\n");
	ck_assert_int_eq(access("/etc/passwd", F_OK), 0);
}
END_TEST

static void rename_link_child(void *arg)
{
	struct fx *fx = arg;

	CHILD_CHECK(cap_enter() == 0);
	/* renameat */
	CHILD_CHECK(renameat(fx->d, "r1", fx->d, "sub/r1") == 0);
	CHILD_FAILS(renameat(fx->d, "r2", fx->d, "../r2"), ENOTCAPABLE);
	CHILD_FAILS(renameat(fx->d, "../x", fx->d, "x"), ENOTCAPABLE);
	CHILD_FAILS(renameat(fx->d, "missing", fx->d, "x"), ENOENT);
	/* an unrestricted directory may replace an existing name */
	CHILD_CHECK(renameat(fx->d, "r4", fx->d, "r2") == 0);
	/* renameat2 */
	CHILD_FAILS(renameat2(fx->d, "r3", fx->d, "r2", RENAME_NOREPLACE), EEXIST);
	CHILD_CHECK(renameat2(fx->d, "r3", fx->d, "r3b", RENAME_NOREPLACE) == 0);
	CHILD_CHECK(renameat2(fx->d, "e1", fx->d, "sub/e2", RENAME_EXCHANGE) == 0);
	CHILD_FAILS(renameat2(fx->d, "e1", fx->d, "../x", RENAME_EXCHANGE), ENOTCAPABLE);
	/* linkat: without AT_SYMLINK_FOLLOW the link itself, with it its target */
	CHILD_CHECK(linkat(fx->d, "f", fx->d, "sub/hard", 0) == 0);
	CHILD_CHECK(linkat(fx->d, "inside", fx->d, "hardlink", 0) == 0);
	CHILD_CHECK(linkat(fx->d, "inside", fx->d, "hardfollow", AT_SYMLINK_FOLLOW) == 0);
	CHILD_FAILS(linkat(fx->d, "../x", fx->d, "stolen", 0), ENOTCAPABLE);
	CHILD_FAILS(linkat(fx->d, "up", fx->d, "stolen2", AT_SYMLINK_FOLLOW), ENOTCAPABLE);
	CHILD_FAILS(linkat(fx->d, "abs", fx->d, "stolen3", AT_SYMLINK_FOLLOW), ENOTCAPABLE);
	CHILD_FAILS(linkat(fx->d, "f", fx->d, "../planted", 0), ENOTCAPABLE);
	CHILD_FAILS(linkat(fx->d, "f", fx->d, "f", 0), EEXIST);
}

START_TEST(rename_and_link)
{
	struct fx fx;
	struct stat st, f, subf, inside;
	char buf[64];

	fixture(&fx);
	put(fx.d, "r1", "R1");
	put(fx.d, "r2", "R2");
	put(fx.d, "r3", "R3");
	put(fx.d, "r4", "R4");
	put(fx.d, "e1", "E1");
	put(fx.d, "sub/e2", "E2");
	ck_assert_int_eq(fstatat(fx.d, "f", &f, 0), 0);
	ck_assert_int_eq(fstatat(fx.d, "sub/f", &subf, 0), 0);
	ck_assert_int_eq(fstatat(fx.d, "inside", &inside, AT_SYMLINK_NOFOLLOW), 0);
	run_child(rename_link_child, &fx);

	ck_assert_fails(fstatat(fx.d, "r1", &st, 0), ENOENT);
	ck_assert_str_eq(contents(fx.d, "sub/r1", buf, sizeof(buf)), "R1");
	ck_assert_fails(fstatat(fx.top_fd, "r2", &st, 0), ENOENT);
	ck_assert_str_eq(contents(fx.d, "r2", buf, sizeof(buf)), "R4");
	ck_assert_fails(fstatat(fx.d, "r4", &st, 0), ENOENT);
	ck_assert_fails(fstatat(fx.d, "r3", &st, 0), ENOENT);
	ck_assert_str_eq(contents(fx.d, "r3b", buf, sizeof(buf)), "R3");
	ck_assert_str_eq(contents(fx.d, "e1", buf, sizeof(buf)), "E2");
	ck_assert_str_eq(contents(fx.d, "sub/e2", buf, sizeof(buf)), "E1");
	ck_assert_str_eq(contents(fx.top_fd, "x", buf, sizeof(buf)), "outside\n");

	ck_assert_int_eq(fstatat(fx.d, "sub/hard", &st, 0), 0);
	ck_assert(same_file(&st, &f));
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(fstatat(fx.d, "hardlink", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert(same_file(&st, &inside));
	ck_assert_int_eq(fstatat(fx.d, "hardfollow", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(same_file(&st, &subf));
	ck_assert_fails(fstatat(fx.d, "stolen", &st, 0), ENOENT);
	ck_assert_fails(fstatat(fx.d, "stolen2", &st, 0), ENOENT);
	ck_assert_fails(fstatat(fx.d, "stolen3", &st, 0), ENOENT);
	ck_assert_fails(fstatat(fx.top_fd, "planted", &st, 0), ENOENT);
}
END_TEST

static const struct timespec times_f[2] = {{1000000000, 111}, {1200000000, 222}};
static const struct timespec times_link[2] = {{1100000000, 0}, {1100000000, 333}};
static const struct timeval times_t2[2] = {{1300000000, 5}, {1400000000, 7}};

static void metadata_child(void *arg)
{
	struct fx *fx = arg;

	CHILD_CHECK(cap_enter() == 0);
	/* fchmodat follows; fchmodat2 with AT_SYMLINK_NOFOLLOW on a link is EOPNOTSUPP on Linux */
	CHILD_CHECK(fchmodat(fx->d, "f", 0604, 0) == 0);
	CHILD_CHECK(fchmodat(fx->d, "inside", 0640, 0) == 0);
	CHILD_FAILS(syscall(SYS_fchmodat2, fx->d, "inside", 0600, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
	CHILD_CHECK(syscall(SYS_fchmodat2, fx->d, "t2", 0611, 0) == 0);
	CHILD_FAILS(fchmodat(fx->d, "../x", 0600, 0), ENOTCAPABLE);
	CHILD_FAILS(fchmodat(fx->d, "up", 0600, 0), ENOTCAPABLE);
	/* fchownat: to one's own IDs always; to others only with privilege */
	CHILD_CHECK(fchownat(fx->d, "f", getuid(), getgid(), 0) == 0);
	CHILD_CHECK(fchownat(fx->d, "inside", (uid_t)-1, (gid_t)-1, AT_SYMLINK_NOFOLLOW) == 0);
	if (geteuid() == 0)
		CHILD_CHECK(fchownat(fx->d, "owned", 4242, 4243, 0) == 0);
	else
		CHILD_FAILS(fchownat(fx->d, "owned", 4242, 4243, 0), EPERM);
	CHILD_FAILS(fchownat(fx->d, "../x", getuid(), getgid(), 0), ENOTCAPABLE);
	/* utimensat and futimesat, on the file and on a link itself */
	CHILD_CHECK(utimensat(fx->d, "f", times_f, 0) == 0);
	CHILD_CHECK(utimensat(fx->d, "inside", times_link, AT_SYMLINK_NOFOLLOW) == 0);
	CHILD_CHECK(syscall(SYS_futimesat, fx->d, "t2", times_t2) == 0);
	CHILD_CHECK(utimensat(fx->d, "now", NULL, 0) == 0);
	CHILD_FAILS(utimensat(fx->d, "../x", NULL, 0), ENOTCAPABLE);
	CHILD_FAILS(utimensat(fx->d, "abs", NULL, 0), ENOTCAPABLE);
	CHILD_FAILS(syscall(SYS_futimesat, fx->d, "../x", NULL), ENOTCAPABLE);
}

START_TEST(change_metadata)
{
	struct fx fx;
	struct stat st, x_before, x_after;
	time_t start = time(NULL);

	fixture(&fx);
	put(fx.d, "t2", "t2");
	put(fx.d, "owned", "o");
	put(fx.d, "now", "n");
	ck_assert_int_eq(utimensat(fx.d, "now", times_f, 0), 0);
	ck_assert_int_eq(fstatat(fx.top_fd, "x", &x_before, 0), 0);
	run_child(metadata_child, &fx);

	ck_assert_int_eq(fstatat(fx.d, "f", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0604);
	ck_assert_int_eq(st.st_uid, getuid());
	ck_assert_int_eq(st.st_gid, getgid());
	ck_assert_int_eq(st.st_atim.tv_sec, times_f[0].tv_sec);
	ck_assert_int_eq(st.st_atim.tv_nsec, times_f[0].tv_nsec);
	ck_assert_int_eq(st.st_mtim.tv_sec, times_f[1].tv_sec);
	ck_assert_int_eq(st.st_mtim.tv_nsec, times_f[1].tv_nsec);
	ck_assert_int_eq(fstatat(fx.d, "sub/f", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(fstatat(fx.d, "inside", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(st.st_mtim.tv_sec, times_link[1].tv_sec);
	ck_assert_int_eq(st.st_mtim.tv_nsec, times_link[1].tv_nsec);
	ck_assert_int_eq(fstatat(fx.d, "t2", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0611);
	ck_assert_int_eq(st.st_atim.tv_sec, times_t2[0].tv_sec);
	ck_assert_int_eq(st.st_atim.tv_nsec, times_t2[0].tv_usec * 1000);
	ck_assert_int_eq(st.st_mtim.tv_sec, times_t2[1].tv_sec);
	ck_assert_int_eq(st.st_mtim.tv_nsec, times_t2[1].tv_usec * 1000);
	ck_assert_int_eq(fstatat(fx.d, "now", &st, 0), 0);
	ck_assert_int_ge(st.st_mtim.tv_sec, start);
	ck_assert_int_eq(fstatat(fx.d, "owned", &st, 0), 0);
	if (geteuid() == 0) {
		ck_assert_int_eq(st.st_uid, 4242);
		ck_assert_int_eq(st.st_gid, 4243);
	} else {
		ck_assert_int_eq(st.st_uid, getuid());
	}
	/* the file outside was not touched */
	ck_assert_int_eq(fstatat(fx.top_fd, "x", &x_after, 0), 0);
	ck_assert_uint_eq(x_after.st_mode, x_before.st_mode);
	ck_assert_int_eq(x_after.st_mtim.tv_sec, x_before.st_mtim.tv_sec);
	ck_assert_int_eq(x_after.st_mtim.tv_nsec, x_before.st_mtim.tv_nsec);
}
END_TEST

static void open_flags_child(void *arg)
{
	struct fx *fx = arg;
	char buf[64];
	int fd;

	umask(027);
	CHILD_CHECK(cap_enter() == 0);
	/* O_CREAT: the mode less the caller's umask; without O_CLOEXEC no FD_CLOEXEC */
	CHILD_CHECK((fd = openat(fx->d, "created", O_WRONLY | O_CREAT | O_EXCL, 0666)) >= 0);
	CHILD_CHECK(write(fd, "new\n", 4) == 4);
	CHILD_CHECK(fcntl(fd, F_GETFD) == 0);
	close(fd);
	CHILD_FAILS(openat(fx->d, "created", O_WRONLY | O_CREAT | O_EXCL, 0666), EEXIST);
	CHILD_FAILS(openat(fx->d, "inside", O_WRONLY | O_CREAT | O_EXCL, 0666), EEXIST);
	CHILD_FAILS(openat(fx->d, "../created", O_WRONLY | O_CREAT, 0666), ENOTCAPABLE);
	CHILD_FAILS(openat(fx->d, "up", O_WRONLY | O_CREAT, 0666), ENOTCAPABLE);
	/* the umask of the moment counts, not the one at cap_enter */
	umask(077);
	CHILD_CHECK((fd = openat(fx->d, "sub/private", O_RDWR | O_CREAT, 0666)) >= 0);
	close(fd);
	/* O_CLOEXEC */
	CHILD_CHECK((fd = openat(fx->d, "f", O_RDONLY | O_CLOEXEC)) >= 0);
	CHILD_CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd);
	/* O_TRUNC */
	CHILD_CHECK((fd = openat(fx->d, "trunc", O_WRONLY | O_TRUNC)) >= 0);
	close(fd);
	/* O_APPEND: a write goes to the end whatever the offset */
	CHILD_CHECK((fd = openat(fx->d, "f", O_WRONLY | O_APPEND)) >= 0);
	CHILD_CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0);
	CHILD_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHILD_CHECK(write(fd, "tail\n", 5) == 5);
	close(fd);
	/*
	 * The access mode holds, and the supervisor's own O_NONBLOCK is not
	 * left on the descriptor.
	 */
	CHILD_CHECK((fd = openat(fx->d, "sub/f", O_RDONLY)) >= 0);
	CHILD_CHECK((fcntl(fd, F_GETFL) & (O_NONBLOCK | O_ACCMODE)) == O_RDONLY);
	CHILD_FAILS(write(fd, "x", 1), EBADF);
	CHILD_CHECK(read(fd, buf, sizeof(buf)) == 8);
	close(fd);
	CHILD_CHECK((fd = openat(fx->d, "sub/f", O_RDONLY | O_NONBLOCK)) >= 0);
	CHILD_CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	close(fd);
	CHILD_FAILS(openat(fx->d, "f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHILD_CHECK((fd = openat(fx->d, "sub", O_RDONLY | O_DIRECTORY)) >= 0);
	close(fd);
}

START_TEST(open_flags)
{
	struct fx fx;
	struct stat st;
	char buf[64];

	fixture(&fx);
	put(fx.d, "trunc", "some data");
	run_child(open_flags_child, &fx);

	ck_assert_int_eq(fstatat(fx.d, "created", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_str_eq(contents(fx.d, "created", buf, sizeof(buf)), "new\n");
	ck_assert_fails(fstatat(fx.top_fd, "created", &st, 0), ENOENT);
	ck_assert_int_eq(fstatat(fx.d, "sub/private", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(fstatat(fx.d, "trunc", &st, 0), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_str_eq(contents(fx.d, "f", buf, sizeof(buf)), "file\ntail\n");
	ck_assert_str_eq(contents(fx.top_fd, "x", buf, sizeof(buf)), "outside\n");
}
END_TEST

/* ---- glibc's own calls. ---- */

/* fdopendir stats the descriptor inside libc, with a path "": the supervisor serves it. */
START_TEST(fdopendir_lists_entries)
{
	const char *want[] = {"f", "sub", "inside", "abs", "climb", "up"};
	bool seen[ARRAY_LEN(want)] = {false};
	struct dirent *de;
	struct fx fx;
	DIR *dir;
	int n = 0;

	fixture(&fx);
	ENTER();
	dir = fdopendir(dup(fx.d));
	ck_assert_msg(dir != NULL, "fdopendir: errno %d", errno);
	while ((de = readdir(dir)) != NULL) {
		n++;
		for (size_t i = 0; i < ARRAY_LEN(want); i++)
			if (strcmp(de->d_name, want[i]) == 0)
				seen[i] = true;
	}
	ck_assert_int_eq(n, (int)ARRAY_LEN(want) + 2); /* and "." and ".." */
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		ck_assert_msg(seen[i], "%s not listed", want[i]);
	ck_assert_int_eq(closedir(dir), 0);
	/* a directory beneath, opened there */
	dir = fdopendir(openat(fx.d, "sub", O_RDONLY | O_DIRECTORY));
	ck_assert_ptr_nonnull(dir);
	closedir(dir);
	/* opendir by path is a lookup from the current directory */
	errno = 0;
	ck_assert_ptr_null(opendir(fx.dir));
	ck_assert_int_eq(errno, ECAPMODE);
}
END_TEST

START_TEST(stdio_on_descriptors_from_openat)
{
	struct stat st, sys;
	struct statx stx;
	struct fx fx;
	char line[64];
	FILE *f;
	int fd;

	fixture(&fx);
	ENTER();
	/* what glibc does inside fstat and stdio: a path "" with AT_EMPTY_PATH */
	ck_assert_int_ge(fd = openat(fx.d, "sub/f", O_RDONLY), 0);
	ck_assert_int_eq(syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH), 0);
	ck_assert_int_eq(syscall(SYS_fstat, fd, &sys), 0);
	ck_assert(same_file(&st, &sys));
	ck_assert_int_eq(st.st_size, 8);
	ck_assert_int_eq(statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &stx), 0);
	ck_assert_uint_eq(stx.stx_size, 8);
	/* without AT_EMPTY_PATH an empty path names nothing */
	ck_assert_fails(syscall(SYS_newfstatat, fd, "", &st, 0), ENOENT);
	f = fdopen(fd, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "subfile\n");
	ck_assert_ptr_null(fgets(line, sizeof(line), f));
	ck_assert(feof(f));
	ck_assert_int_eq(fclose(f), 0);
	/* writing through stdio to a file created beneath */
	ck_assert_int_ge(fd = openat(fx.d, "out", O_WRONLY | O_CREAT | O_EXCL, 0600), 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fprintf(f, "written %d\n", 42), 11);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_ge(fd = openat(fx.d, "out", O_RDONLY), 0);
	f = fdopen(fd, "r");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "written 42\n");
	fclose(f);
	/* fopen is a lookup from the current directory */
	errno = 0;
	ck_assert_ptr_null(fopen("/etc/passwd", "r"));
	ck_assert_int_eq(errno, ECAPMODE);
}
END_TEST

/* ---- Rights on a limited directory (spec 2.9, 2.10). ---- */

/*
 * Limited to CAP_LOOKUP|CAP_FSTATAT: stat and access work, creating and
 * removing do not, and ".." is refused even outside capability mode.
 * Opening beneath it is refused whatever its rights: the new descriptor
 * could not carry the directory's rights yet (DEVIATIONS.md, "Lookups
 * relative to a limited directory ... opening beneath it").
 */
START_TEST(limited_directory_outside_and_inside)
{
	struct stat st, f;
	cap_rights_t r;
	struct fx fx;
	char link[16];

	fixture(&fx);
	ck_assert_int_eq(fstatat(fx.d, "f", &f, 0), 0);
	limit(fx.d, cap_rights_init(&r, CAP_LOOKUP, CAP_FSTATAT));
	for (int pass = 0; pass < 2; pass++) {
		ck_assert_int_eq(cap_sandboxed(), pass);
		ck_assert_int_eq(fstatat(fx.d, "f", &st, 0), 0);
		ck_assert(same_file(&st, &f));
		ck_assert_int_eq(fstatat(fx.d, "sub/../f", &st, 0), 0);
		ck_assert_int_eq(faccessat(fx.d, "f", R_OK, 0), 0);
		ck_assert_int_eq(readlinkat(fx.d, "inside", link, sizeof(link)), 5);
		ck_assert_fails(mkdirat(fx.d, "new", 0755), ENOTCAPABLE);
		ck_assert_fails(unlinkat(fx.d, "f", 0), ENOTCAPABLE);
		ck_assert_fails(fchmodat(fx.d, "f", 0600, 0), ENOTCAPABLE);
		ck_assert_fails(symlinkat("f", fx.d, "ln"), ENOTCAPABLE);
		ck_assert_fails(renameat(fx.d, "f", fx.d, "g"), ENOTCAPABLE);
		/* the deviation: no right makes opening beneath it work */
		ck_assert_fails(openat(fx.d, "f", O_RDONLY), ENOTCAPABLE);
		ck_assert_fails(openat(fx.d, "sub", O_RDONLY | O_DIRECTORY), ENOTCAPABLE);
		/* strict-relative in and out of capability mode */
		ck_assert_fails(fstatat(fx.d, "..", &st, 0), ENOTCAPABLE);
		ck_assert_fails(fstatat(fx.d, "../x", &st, 0), ENOTCAPABLE);
		ck_assert_fails(fstatat(fx.d, "up", &st, 0), ENOTCAPABLE);
		ck_assert_fails(faccessat(fx.d, "..", R_OK, 0), ENOTCAPABLE);
		ck_assert_fails(openat(fx.d, "..", O_RDONLY), ENOTCAPABLE);
		if (pass == 0)
			ENTER();
	}
	ck_assert_int_eq(cap_rights_get(fx.d, &r), 0);
	ck_assert(cap_rights_is_set(&r, CAP_LOOKUP, CAP_FSTATAT));
	ck_assert(!cap_rights_is_set(&r, CAP_MKDIRAT));
}
END_TEST

/*
 * An unlimited directory outside capability mode is no capability at all:
 * its lookups run in the kernel as ever, even once a supervisor exists,
 * so ".." and absolute paths work.
 */
START_TEST(unlimited_directory_outside_capability_mode)
{
	struct stat st, top;
	struct fx fx;
	int fd;

	fixture(&fx);
	ck_assert_int_eq(fstat(fx.top_fd, &top), 0);
	start_supervisor();
	ck_assert_int_ge(fd = openat(fx.d, "..", O_RDONLY | O_DIRECTORY), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert(same_file(&st, &top));
	close(fd);
	ck_assert_int_ge(fd = openat(fx.d, "../x", O_RDONLY), 0);
	close(fd);
	ck_assert_int_ge(fd = openat(fx.d, "up", O_RDONLY), 0);
	close(fd);
	ck_assert_int_eq(fstatat(fx.d, "/etc/passwd", &st, 0), 0);
	ck_assert_int_eq(mkdirat(fx.d, "../made", 0755), 0);
	ck_assert_int_eq(fstatat(fx.top_fd, "made", &st, 0), 0);
	ck_assert_int_eq(kill(getppid(), 0), 0);
}
END_TEST

/*
 * One call per right of spec 2.9 (the rights include CAP_LOOKUP): a
 * directory limited to CAP_LOOKUP and that right may make it; one with
 * every right but that one may not.  Names differ per run so that the
 * calls do not meet each other's results.
 */
struct right_case {
	const char *name;
	uint64_t right;
	/* d: the limited directory; full: the same, unlimited, for the other side */
	int (*run)(int d, int full, const char *tag);
};

static char namebuf[8][64];

static const char *nm(int slot, const char *stem, const char *tag)
{
	snprintf(namebuf[slot], sizeof(namebuf[slot]), "%s.%s", stem, tag);
	return namebuf[slot];
}

static int rc_fstatat(int d, int full, const char *tag)
{
	struct stat st;

	(void)full, (void)tag;
	return fstatat(d, "f", &st, 0);
}

static int rc_statx(int d, int full, const char *tag)
{
	struct statx stx;

	(void)full, (void)tag;
	return statx(d, "sub/f", AT_SYMLINK_NOFOLLOW, STATX_INO, &stx);
}

static int rc_faccessat(int d, int full, const char *tag)
{
	(void)full, (void)tag;
	return (int)syscall(SYS_faccessat, d, "f", R_OK);
}

static int rc_readlinkat(int d, int full, const char *tag)
{
	char buf[16];

	(void)full, (void)tag;
	return readlinkat(d, "inside", buf, sizeof(buf)) == 5 ? 0 : -1;
}

static int rc_mkdirat(int d, int full, const char *tag)
{
	(void)full;
	return mkdirat(d, nm(0, "m", tag), 0755);
}

static int rc_mkfifoat(int d, int full, const char *tag)
{
	(void)full;
	return mkfifoat(d, nm(0, "p", tag), 0600);
}

static int rc_unlinkat(int d, int full, const char *tag)
{
	int fd = openat(full, nm(0, "u", tag), O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
		return -2;
	close(fd);
	return unlinkat(d, nm(0, "u", tag), 0);
}

static int rc_rmdir(int d, int full, const char *tag)
{
	if (mkdirat(full, nm(0, "rd", tag), 0755) != 0)
		return -2;
	return unlinkat(d, nm(0, "rd", tag), AT_REMOVEDIR);
}

static int rc_fchmodat(int d, int full, const char *tag)
{
	(void)full, (void)tag;
	return fchmodat(d, "f", 0644, 0);
}

static int rc_fchownat(int d, int full, const char *tag)
{
	(void)full, (void)tag;
	return fchownat(d, "f", getuid(), getgid(), 0);
}

static int rc_utimensat(int d, int full, const char *tag)
{
	(void)full, (void)tag;
	return utimensat(d, "f", NULL, 0);
}

static int rc_futimesat(int d, int full, const char *tag)
{
	(void)full, (void)tag;
	return (int)syscall(SYS_futimesat, d, "f", NULL);
}

static int rc_symlinkat(int d, int full, const char *tag)
{
	(void)full;
	return symlinkat("f", d, nm(0, "s", tag));
}

static int rc_link_source(int d, int full, const char *tag)
{
	return linkat(d, "f", full, nm(0, "ls", tag), 0);
}

static int rc_link_target(int d, int full, const char *tag)
{
	return linkat(full, "f", d, nm(0, "lt", tag), 0);
}

static int rc_rename_source(int d, int full, const char *tag)
{
	int fd = openat(full, nm(0, "rs", tag), O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
		return -2;
	close(fd);
	return renameat(d, nm(0, "rs", tag), full, nm(1, "rs2", tag));
}

static int rc_rename_target(int d, int full, const char *tag)
{
	int fd = openat(full, nm(0, "rt", tag), O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
		return -2;
	close(fd);
	return renameat(full, nm(0, "rt", tag), d, nm(1, "rt2", tag));
}

/* An empty path names the descriptor itself: its own right, CAP_FSTAT, no lookup. */
static int rc_fstat_empty(int d, int full, const char *tag)
{
	struct stat st;

	(void)full, (void)tag;
	return (int)syscall(SYS_newfstatat, d, "", &st, AT_EMPTY_PATH);
}

static const struct right_case right_cases[] = {
    {"fstatat", CAP_FSTATAT, rc_fstatat},
    {"statx", CAP_FSTATAT, rc_statx},
    {"faccessat", CAP_FSTATAT, rc_faccessat},
    {"readlinkat", CAP_LOOKUP, rc_readlinkat},
    {"mkdirat", CAP_MKDIRAT, rc_mkdirat},
    {"mkfifoat", CAP_MKFIFOAT, rc_mkfifoat},
    {"unlinkat", CAP_UNLINKAT, rc_unlinkat},
    {"unlinkat(AT_REMOVEDIR)", CAP_UNLINKAT, rc_rmdir},
    {"fchmodat", CAP_FCHMODAT, rc_fchmodat},
    {"fchownat", CAP_FCHOWNAT, rc_fchownat},
    {"utimensat", CAP_FUTIMESAT, rc_utimensat},
    {"futimesat", CAP_FUTIMESAT, rc_futimesat},
    {"symlinkat", CAP_SYMLINKAT, rc_symlinkat},
    {"linkat source", CAP_LINKAT_SOURCE, rc_link_source},
    {"linkat target", CAP_LINKAT_TARGET, rc_link_target},
    {"renameat source", CAP_RENAMEAT_SOURCE, rc_rename_source},
    {"renameat target", CAP_RENAMEAT_TARGET, rc_rename_target},
    {"newfstatat(\"\", AT_EMPTY_PATH)", CAP_FSTAT, rc_fstat_empty},
};

static void rights_table(const struct fx *fx, const char *where)
{
	char failures[4096] = "", tag[32];
	size_t used = 0;
	int nfail = 0;

	for (size_t i = 0; i < ARRAY_LEN(right_cases); i++) {
		const struct right_case *c = &right_cases[i];
		int with = fresh(fx), without = fresh(fx), r1, e1, r2, e2;
		cap_rights_t r;

		limit(with, cap_rights_init(&r, CAP_LOOKUP, c->right));
		CAP_ALL(&r);
		cap_rights_clear(&r, c->right);
		if (c->right != CAP_LOOKUP)
			cap_rights_set(&r, CAP_LOOKUP);
		limit(without, &r);
		snprintf(tag, sizeof(tag), "%s%zu.w", where, i);
		errno = 0;
		r1 = c->run(with, fx->d, tag);
		e1 = errno;
		snprintf(tag, sizeof(tag), "%s%zu.o", where, i);
		errno = 0;
		r2 = c->run(without, fx->d, tag);
		e2 = errno;
		if (r1 == 0 && r2 == -1 && e2 == ENOTCAPABLE)
			continue;
		nfail++;
		if (used < sizeof(failures) - 1)
			used +=
			    (size_t)snprintf(failures + used, sizeof(failures) - used,
			                     "\n  %s: with the right %d errno %d (%s); without "
			                     "it %d errno %d (%s), want ENOTCAPABLE",
			                     c->name, r1, e1, strerror(e1), r2, e2, strerror(e2));
	}
	ck_assert_msg(nfail == 0, "%s: %d rights wrong:%s", where, nfail, failures);
}

START_TEST(rights_table_outside_capability_mode)
{
	struct fx fx;

	fixture(&fx);
	rights_table(&fx, "out");
}
END_TEST

START_TEST(rights_table_in_capability_mode)
{
	struct fx fx;

	fixture(&fx);
	ENTER();
	rights_table(&fx, "in");
}
END_TEST

/* mkfifoat needs CAP_MKFIFOAT, not CAP_MKNODAT, although Linux makes FIFOs with mknodat. */
START_TEST(fifo_needs_mkfifoat_not_mknodat)
{
	int nod, fifo;
	cap_rights_t r;
	struct fx fx;

	fixture(&fx);
	nod = fresh(&fx);
	fifo = fresh(&fx);
	limit(nod, cap_rights_init(&r, CAP_MKNODAT));
	limit(fifo, cap_rights_init(&r, CAP_MKFIFOAT));
	ENTER();
	ck_assert_fails(mkfifoat(nod, "p1", 0600), ENOTCAPABLE);
	ck_assert_fails(mknodat(nod, "p2", S_IFIFO | 0600, 0), ENOTCAPABLE);
	ck_assert_int_eq(mkfifoat(fifo, "p3", 0600), 0);
	ck_assert_int_eq(mknodat(fifo, "p4", S_IFIFO | 0600, 0), 0);
}
END_TEST

/*
 * A FIFO opened beneath a directory does not wait for its peer (the
 * supervisor must not): read-only opens at once, write-only without a
 * reader fails with ENXIO.  Documented deviation (DEVIATIONS.md).
 */
START_TEST(documented_deviation_fifo_open_does_not_wait)
{
	struct fx fx;
	int r;

	fixture(&fx);
	ck_assert_int_eq(mkfifoat(fx.d, "p", 0600), 0);
	ENTER();
	ck_assert_fails(openat(fx.d, "p", O_WRONLY), ENXIO);
	ck_assert_int_ge(r = openat(fx.d, "p", O_RDONLY), 0);
	ck_assert_int_eq(fcntl(r, F_GETFL) & O_NONBLOCK, 0); /* the mode asked for */
}
END_TEST

/*
 * Rights are recorded per open file description: a descriptor dup'ed
 * before the limit shares it for lookups.  Documented deviation
 * (DEVIATIONS.md); FreeBSD keeps rights per descriptor.
 */
START_TEST(documented_deviation_limit_is_per_description)
{
	struct fx fx;
	cap_rights_t r;
	int d, copy;

	fixture(&fx);
	d = fresh(&fx);
	ck_assert_int_ge(copy = dup(d), 0);
	limit(d, cap_rights_init(&r, CAP_LOOKUP, CAP_FSTATAT));
	ck_assert_int_eq(fstatat(copy, "f", &(struct stat){0}, 0), 0);
	ck_assert_fails(mkdirat(copy, "new", 0700), ENOTCAPABLE);   /* FreeBSD: allowed */
	ck_assert_fails(openat(copy, "..", O_RDONLY), ENOTCAPABLE); /* FreeBSD: allowed */
	ck_assert_int_ge(openat(fresh(&fx), "..", O_RDONLY), 0);    /* another description */
}
END_TEST

/* Linux's *xattrat and file_*attr calls beneath a directory are not served. */
START_TEST(xattrat_beneath_a_directory_is_refused)
{
	struct fx fx;
	char buf[64];

	fixture(&fx);
	ENTER();
	ck_assert_fails(syscall(464 /* getxattrat */, fx.d, "f", 0, "user.x", buf, sizeof(buf)),
	                ECAPMODE);
	ck_assert_fails(syscall(465 /* listxattrat */, fx.d, "f", 0, buf, sizeof(buf)), ECAPMODE);
	ck_assert_fails(syscall(466 /* removexattrat */, fx.d, "f", 0, "user.x"), ECAPMODE);
	ck_assert_fails(syscall(468 /* file_getattr */, fx.d, "f", buf, 32, 0), ECAPMODE);
}
END_TEST

/* Renaming onto an existing name removes it: CAP_UNLINKAT on the target directory too. */
START_TEST(rename_onto_existing_needs_unlinkat)
{
	char buf[16], src[8], dst[8], mid[8];
	int plain, unlink_too;
	cap_rights_t r;
	struct fx fx;

	fixture(&fx);
	for (int pass = 0; pass < 2; pass++) {
		snprintf(src, sizeof(src), "src%d", pass);
		snprintf(dst, sizeof(dst), "dst%d", pass);
		put(fx.d, src, "SRC");
		put(fx.d, dst, "DST");
	}
	plain = fresh(&fx);
	unlink_too = fresh(&fx);
	limit(plain, cap_rights_init(&r, CAP_RENAMEAT_SOURCE, CAP_RENAMEAT_TARGET));
	limit(unlink_too,
	      cap_rights_init(&r, CAP_RENAMEAT_SOURCE, CAP_RENAMEAT_TARGET, CAP_UNLINKAT));
	for (int pass = 0; pass < 2; pass++) {
		snprintf(src, sizeof(src), "src%d", pass);
		snprintf(dst, sizeof(dst), "dst%d", pass);
		snprintf(mid, sizeof(mid), "mid%d", pass);
		/* a new name: no CAP_UNLINKAT needed */
		ck_assert_int_eq(renameat(plain, src, plain, mid), 0);
		/* an existing one: refused, and neither file changed */
		ck_assert_fails(renameat(plain, mid, plain, dst), ENOTCAPABLE);
		ck_assert_fails(renameat(unlink_too, mid, plain, dst), ENOTCAPABLE);
		ck_assert_str_eq(contents(fx.d, dst, buf, sizeof(buf)), "DST");
		ck_assert_str_eq(contents(fx.d, mid, buf, sizeof(buf)), "SRC");
		/* exchanging removes nothing */
		ck_assert_int_eq(renameat2(plain, mid, plain, dst, RENAME_EXCHANGE), 0);
		ck_assert_int_eq(renameat2(plain, mid, plain, dst, RENAME_EXCHANGE), 0);
		/* CAP_UNLINKAT on the target: the source needs none */
		ck_assert_int_eq(renameat(plain, mid, unlink_too, dst), 0);
		ck_assert_str_eq(contents(fx.d, dst, buf, sizeof(buf)), "SRC");
		ck_assert_fails(fstatat(fx.d, mid, &(struct stat){0}, 0), ENOENT);
		if (pass == 0)
			ENTER();
	}
}
END_TEST

/*
 * The control request the library sends at cap_rights_limit can be made
 * by hand, from capability mode, with every right: the supervisor only
 * ever narrows what it holds, so the directory stays as limited.
 */
START_TEST(control_request_cannot_widen)
{
	cap_rights_t r, all;
	struct fd_state full;
	struct stat st;
	struct fx fx;

	fixture(&fx);
	limit(fx.d, cap_rights_init(&r, CAP_FSTATAT));
	ENTER();
	CAP_ALL(&all);
	state_full(&full);
	ck_assert_int_eq(
	    syscall(SYS_prctl, CTL_PRCTL, CTL_LIMIT, (long)fx.d, (long)&full, (long)sizeof(full)),
	    1);
	/* malformed requests are refused */
	ck_assert_fails(syscall(SYS_prctl, CTL_PRCTL, CTL_LIMIT, (long)fx.d, (long)&full, 8L),
	                EINVAL);
	full.nioctls = CAP_IOCTLS_LIMIT_MAX + 1;
	ck_assert_fails(
	    syscall(SYS_prctl, CTL_PRCTL, CTL_LIMIT, (long)fx.d, (long)&full, (long)sizeof(full)),
	    EINVAL);
	ck_assert_fails(mkdirat(fx.d, "new", 0755), ENOTCAPABLE);
	ck_assert_fails(unlinkat(fx.d, "f", 0), ENOTCAPABLE);
	ck_assert_fails(fchmodat(fx.d, "f", 0600, 0), ENOTCAPABLE);
	ck_assert_fails(openat(fx.d, "f", O_RDONLY), ENOTCAPABLE);
	ck_assert_fails(fstatat(fx.d, "..", &st, 0), ENOTCAPABLE);
	ck_assert_int_eq(fstatat(fx.d, "f", &st, 0), 0);
	ck_assert_int_eq(cap_rights_get(fx.d, &r), 0);
	ck_assert(!cap_rights_is_set(&r, CAP_MKDIRAT));
	/* nor does cap_rights_limit itself widen */
	ck_assert_fails(cap_rights_limit(fx.d, &all), ENOTCAPABLE);
	ck_assert_fails(mkdirat(fx.d, "new", 0755), ENOTCAPABLE);
}
END_TEST

/* ---- Races against the lookup. ---- */

static char race_path[64];

struct flipper {
	const char *a, *b;
	atomic_int stop;
	long flips;
	atomic_int started; /* the flipper runs: the race is on */
};

static void store_path(const char *s)
{
	volatile char *p = race_path;

	do
		*p++ = *s;
	while (*s++);
}

/* Rewrite the path between a harmless name and an escape, as fast as it can. */
static void *flip(void *arg)
{
	struct flipper *f = arg;

	atomic_store(&f->started, 1);
	while (!atomic_load(&f->stop)) {
		store_path(f->a);
		store_path(f->b);
		f->flips++;
	}
	return NULL;
}

/*
 * The supervisor reads the path once and resolves that copy beneath the
 * directory: whatever the caller's memory holds a moment later, the
 * result is never the file the escape names.
 */
START_TEST(path_rewritten_during_lookup)
{
	static const char *const escapes[] = {"../../../../../etc/passwd", "/etc/passwd"};
	struct stat passwd, f, st;
	struct fx fx;
	long escaped = 0, opened = 0, refused = 0;

	fixture(&fx);
	ck_assert_int_eq(stat("/etc/passwd", &passwd), 0);
	ck_assert_int_eq(fstatat(fx.d, "f", &f, 0), 0);
	ENTER();
	for (size_t e = 0; e < ARRAY_LEN(escapes); e++) {
		struct flipper fl = {.a = "f", .b = escapes[e]};
		pthread_t t;

		store_path("f");
		ck_assert_int_eq(pthread_create(&t, NULL, flip, &fl), 0);
		/* on a loaded machine the flipper may not run for a while: start when it does */
		while (!atomic_load(&fl.started))
			sched_yield();
		for (int i = 0; i < 1000; i++) {
			int fd = openat(fx.d, race_path, O_RDONLY);

			if (fd >= 0) {
				ck_assert_int_eq(fstat(fd, &st), 0);
				if (same_file(&st, &passwd))
					escaped++;
				else if (same_file(&st, &f))
					opened++;
				close(fd);
			} else if (errno == ENOTCAPABLE) {
				refused++;
			}
			if (fstatat(fx.d, race_path, &st, 0) == 0 && same_file(&st, &passwd))
				escaped++;
		}
		atomic_store(&fl.stop, 1);
		ck_assert_int_eq(pthread_join(t, NULL), 0);
		ck_assert_int_gt(fl.flips, 0);
	}
	ck_assert_msg(escaped == 0, "reached /etc/passwd %ld times", escaped);
	/* the race was run: both paths were seen */
	ck_assert_msg(opened > 0 && refused > 0, "opened %ld, refused %ld", opened, refused);
}
END_TEST

/* Moves top/d/a/b out to top/out/b and back until its stop pipe closes. */
static void rename_loop(int top, int stop)
{
	int a = openat(top, "d/a", O_RDONLY | O_DIRECTORY),
	    out = openat(top, "out", O_RDONLY | O_DIRECTORY);
	struct pollfd p = {stop, POLLIN, 0};
	time_t end = time(NULL) + 10;

	if (a < 0 || out < 0)
		_exit(2);
	while (poll(&p, 1, 0) == 0 && time(NULL) < end) {
		if (renameat(a, "b", out, "b") != 0)
			_exit(3);
		if (renameat(out, "b", a, "b") != 0)
			_exit(4);
	}
	_exit(0);
}

/*
 * A directory moved out while a lookup is inside it: "a/b/../../secret"
 * is d/secret while b is in d/a, and would be top/secret if ".." were
 * taken from where b went.  The supervisor's lookup never lands outside.
 */
START_TEST(directory_moved_out_during_lookup)
{
	struct stat secret, decoy, st;
	struct timespec start, now;
	struct fx fx;
	long escaped = 0, decoys = 0, errors = 0, i;
	int stop[2], status;
	pid_t mover;

	fixture(&fx);
	ck_assert_int_eq(mkdirat(fx.d, "a", 0755), 0);
	ck_assert_int_eq(mkdirat(fx.d, "a/b", 0755), 0);
	ck_assert_int_eq(mkdirat(fx.top_fd, "out", 0755), 0);
	put(fx.top_fd, "secret", "SECRET");
	put(fx.d, "secret", "decoy");
	ck_assert_int_eq(fstatat(fx.top_fd, "secret", &secret, 0), 0);
	ck_assert_int_eq(fstatat(fx.d, "secret", &decoy, 0), 0);
	ck_assert_int_eq(pipe(stop), 0);
	/* the mover is unconfined: forked before cap_enter */
	mover = fork();
	ck_assert_int_ge(mover, 0);
	if (mover == 0) {
		close(stop[1]);
		rename_loop(fx.top_fd, stop[0]);
	}
	close(stop[0]);
	ENTER();
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < 2000; i++) {
		int fd = openat(fx.d, "a/b/../../secret", O_RDONLY);

		if (fd >= 0) {
			ck_assert_int_eq(fstat(fd, &st), 0);
			if (same_file(&st, &secret))
				escaped++;
			else if (same_file(&st, &decoy))
				decoys++;
			close(fd);
		} else {
			errors++;
		}
		if (fstatat(fx.d, "a/b/../../secret", &st, 0) == 0 && same_file(&st, &secret))
			escaped++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= 3)
			break;
	}
	close(stop[1]);
	ck_assert_int_eq(waitpid(mover, &status, 0), mover);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "mover status %#x", status);
	ck_assert_msg(escaped == 0, "reached top/secret %ld times in %ld tries", escaped, i);
	ck_assert_msg(decoys > 0, "never reached d/secret (%ld errors)", errors);
}
END_TEST

/* ---- Concurrency. ---- */

struct hammer {
	int d;
	struct stat want;
	int iterations, failures, first_errno;
};

static void *hammer(void *arg)
{
	struct hammer *h = arg;

	for (int i = 0; i < h->iterations; i++) {
		struct stat st;
		int fd = openat(h->d, "sub/f", O_RDONLY);

		if (fd < 0 || fstat(fd, &st) != 0 || !same_file(&st, &h->want)) {
			if (h->failures++ == 0)
				h->first_errno = fd < 0 ? errno : -1;
		}
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/* 8 threads and 3 processes at once: every request answered, each with its own file. */
START_TEST(threads_and_processes_at_once)
{
	struct hammer h[8];
	pthread_t t[8];
	pid_t kids[3];
	struct stat want;
	struct fx fx;

	fixture(&fx);
	ck_assert_int_eq(fstatat(fx.d, "sub/f", &want, 0), 0);
	ENTER();
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0) {
			struct hammer mine = {fx.d, want, 300, 0, 0};

			hammer(&mine);
			_exit(mine.failures > 255 ? 255 : mine.failures);
		}
	}
	for (int i = 0; i < 8; i++) {
		h[i] = (struct hammer){fx.d, want, 300, 0, 0};
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, &h[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_msg(h[i].failures == 0, "thread %d: %d failures, first errno %d", i,
		              h[i].failures, h[i].first_errno);
	}
	for (int i = 0; i < 3; i++) {
		int st;

		ck_assert_int_eq(waitpid(kids[i], &st, 0), kids[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d: status %#x", i, st);
	}
}
END_TEST

/* ---- Signals (spec 1.5): to one's own process only. ---- */

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

START_TEST(signals_to_oneself_only)
{
	union sigval v = {.sival_int = 7};
	int hold[2], st;
	pid_t child;
	char c;

	ck_assert(signal(SIGUSR1, on_usr1) != SIG_ERR);
	ck_assert_int_eq(pipe(hold), 0);
	ENTER();
	ck_assert_int_eq(kill(getpid(), 0), 0);
	ck_assert_int_eq(raise(SIGUSR1), 0);
	ck_assert_int_eq(usr1, 1);
	ck_assert_int_eq(kill(getpid(), SIGUSR1), 0);
	ck_assert_int_eq(usr1, 2);
	ck_assert_int_eq(sigqueue(getpid(), SIGUSR1, v), 0);
	ck_assert_int_eq(usr1, 3);
	ck_assert_int_eq(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
	ck_assert_int_eq(usr1, 4);
	ck_assert_fails(kill(getppid(), 0), ECAPMODE);
	ck_assert_fails(kill(0, 0), ECAPMODE);
	ck_assert_fails(kill(-1, 0), ECAPMODE);
	ck_assert_fails(kill(-getpgrp(), 0), ECAPMODE);
	ck_assert_fails(sigqueue(getppid(), SIGUSR1, v), ECAPMODE);
	ck_assert_fails(syscall(SYS_tgkill, getppid(), getppid(), SIGUSR1), ECAPMODE);
	/* one's own child is another process; it waits for the end of the pipe */
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(hold[1]);
		_exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
	}
	close(hold[0]);
	ck_assert_fails(kill(child, SIGKILL), ECAPMODE);
	ck_assert_fails(kill(child, 0), ECAPMODE);
	close(hold[1]);
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(usr1, 4);
}
END_TEST

/* A child forked in capability mode signals itself, not its parent. */
static void kill_self_child(void *arg)
{
	(void)arg;
	signal(SIGUSR1, SIG_DFL);
	CHILD_CHECK(cap_sandboxed());
	CHILD_FAILS(kill(getppid(), 0), ECAPMODE);
	CHILD_CHECK(kill(getpid(), 0) == 0);
}

START_TEST(signals_in_a_confined_child)
{
	ENTER();
	run_child(kill_self_child, NULL);
}
END_TEST

/* ---- Inheritance. ---- */

static void after_enter_child(void *arg)
{
	struct fx *fx = arg;
	char buf[16] = "";
	int fd;

	CHILD_CHECK(cap_sandboxed());
	CHILD_CHECK((fd = openat(fx->d, "f", O_RDONLY)) >= 0);
	CHILD_CHECK(read(fd, buf, sizeof(buf) - 1) == 5);
	CHILD_CHECK(strcmp(buf, "file\n") == 0);
	close(fd);
	CHILD_CHECK(mkdirat(fx->d, "by_child", 0755) == 0);
	CHILD_FAILS(openat(fx->d, "..", O_RDONLY), ENOTCAPABLE);
	CHILD_FAILS(open("/etc/passwd", O_RDONLY), ECAPMODE);
	CHILD_FAILS(openat(AT_FDCWD, "/etc/passwd", O_RDONLY), ECAPMODE);
}

START_TEST(child_forked_after_enter_uses_the_capability)
{
	struct stat st;
	struct fx fx;

	fixture(&fx);
	ENTER();
	run_child(after_enter_child, &fx);
	ck_assert_int_eq(fstatat(fx.d, "by_child", &st, 0), 0);
	ck_assert(S_ISDIR(st.st_mode));
}
END_TEST

struct before {
	struct fx *fx;
	int go;
};

static void before_enter_child(void *arg)
{
	struct before *b = arg;
	char c;
	int fd;

	CHILD_CHECK(read(b->go, &c, 1) == 1);
	CHILD_CHECK(!cap_sandboxed());
	CHILD_CHECK((fd = open("/etc/passwd", O_RDONLY)) >= 0);
	close(fd);
	CHILD_CHECK((fd = openat(b->fx->d, "..", O_RDONLY | O_DIRECTORY)) >= 0);
	close(fd);
	CHILD_CHECK((fd = openat(b->fx->d, "up", O_RDONLY)) >= 0);
	close(fd);
	CHILD_CHECK(kill(getppid(), 0) == 0);
}

/*
 * A child forked before cap_enter is not confined, though it shares the
 * supervisor: its lookups and signals are its own business.
 */
START_TEST(child_forked_before_enter_is_unconfined)
{
	struct before b;
	struct child c;
	struct fx fx;
	int go[2];

	fixture(&fx);
	start_supervisor();
	ck_assert_int_eq(pipe(go), 0);
	b = (struct before){&fx, go[0]};
	c = spawn(before_enter_child, &b);
	ENTER();
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	reap(c);
}
END_TEST

/* ---- The supervisor's life. ---- */

/* A subreaper with a supervisor of its own, found, and a killer for it. */
static pid_t supervised_subreaper(struct killer *k)
{
	pid_t sup;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	killer_start(k);
	start_supervisor();
	sup = find_supervisor();
	ck_assert_int_gt(sup, 0);
	return sup;
}

/*
 * Without a supervisor the listener's calls fail with ENOSYS: never done
 * by the kernel unchecked.  What capability mode refuses by itself stays
 * ECAPMODE.
 */
START_TEST(killed_supervisor_fails_closed)
{
	struct killer k;
	struct stat st;
	struct fx fx;
	pid_t sup;
	int fd, status;

	fixture(&fx);
	sup = supervised_subreaper(&k);
	ENTER();
	ck_assert_int_ge(fd = openat(fx.d, "f", O_RDONLY), 0);
	close(fd);
	killer_send(&k, sup, SIGKILL);
	ck_assert_int_eq(waitpid(sup, &status, 0), sup);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_fails(openat(fx.d, "f", O_RDONLY), ENOSYS);
	ck_assert_fails(openat(fx.d, "../x", O_RDONLY), ENOSYS);
	ck_assert_fails(fstatat(fx.d, "f", &st, 0), ENOSYS);
	ck_assert_fails(mkdirat(fx.d, "new", 0755), ENOSYS);
	ck_assert_fails(kill(getpid(), 0), ENOSYS);
	ck_assert_fails(syscall(SYS_prctl, CTL_PRCTL, CTL_HELLO, 0L, 0L, 0L), ENOSYS);
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
	ck_assert_fails(openat(AT_FDCWD, "/etc/passwd", O_RDONLY), ECAPMODE);
	ck_assert(cap_sandboxed());
}
END_TEST

/* Outside capability mode too (DEVIATIONS.md: "... after the supervisor died they fail with
 * ENOSYS"). */
START_TEST(killed_supervisor_outside_capability_mode)
{
	struct killer k;
	struct fx fx;
	pid_t sup;
	int fd, status;

	fixture(&fx);
	sup = supervised_subreaper(&k);
	killer_send(&k, sup, SIGKILL);
	ck_assert_int_eq(waitpid(sup, &status, 0), sup);
	ck_assert_fails(openat(fx.d, "f", O_RDONLY), ENOSYS);
	ck_assert_fails(kill(getpid(), 0), ENOSYS);
	/* nothing routed: the current directory and the root are the kernel's */
	ck_assert_int_ge(fd = open("/etc/passwd", O_RDONLY), 0);
	close(fd);
	ck_assert(!cap_sandboxed());
}
END_TEST

struct pending {
	int d, result, err;
	atomic_int done;
};

static void *open_and_wait(void *arg)
{
	struct pending *p = arg;

	p->result = openat(p->d, "f", O_RDONLY);
	p->err = errno;
	atomic_store(&p->done, 1);
	return NULL;
}

/* A request the supervisor took no answer to: the caller gets ENOSYS when it dies. */
START_TEST(supervisor_killed_mid_request)
{
	struct pending p = {.result = 99};
	struct killer k;
	struct fx fx;
	pthread_t t;
	pid_t sup;
	int status;

	fixture(&fx);
	sup = supervised_subreaper(&k);
	ENTER();
	killer_send(&k, sup, SIGSTOP);
	ck_assert_int_eq(waitpid(sup, &status, WUNTRACED), sup);
	ck_assert(WIFSTOPPED(status));
	p.d = fx.d;
	ck_assert_int_eq(pthread_create(&t, NULL, open_and_wait, &p), 0);
	usleep(300000);
	ck_assert_msg(!atomic_load(&p.done),
	              "openat returned %d (errno %d) with the supervisor stopped", p.result, p.err);
	killer_send(&k, sup, SIGKILL);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(p.result, -1);
	ck_assert_int_eq(p.err, ENOSYS);
	ck_assert_int_eq(waitpid(sup, &status, 0), sup);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
}
END_TEST

struct last {
	struct fx *fx;
	int ready, go;
};

static void last_client(void *arg)
{
	struct last *l = arg;
	char c;
	int fd;

	CHILD_CHECK(cap_enter() == 0);
	CHILD_CHECK((fd = openat(l->fx->d, "f", O_RDONLY)) >= 0);
	close(fd);
	CHILD_CHECK(write(l->ready, "r", 1) == 1);
	CHILD_CHECK(read(l->go, &c, 1) == 1);
}

/*
 * The supervisor serves a filter chain; when the last process using it
 * has exited it exits too, within about a second (DEVIATIONS.md, "After
 * its last client exits, the supervisor lingers ...").
 */
START_TEST(supervisor_exits_after_its_last_client)
{
	struct last l;
	struct child c;
	struct fx fx;
	int ready[2], go[2], status = 0;
	pid_t sup, r = 0;
	char ch;

	fixture(&fx);
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	l = (struct last){&fx, ready[1], go[0]};
	c = spawn(last_client, &l);
	ck_assert_int_eq(read(ready[0], &ch, 1), 1);
	sup = find_supervisor();
	ck_assert_int_gt(sup, 0);
	ck_assert_int_eq(waitpid(sup, &status, WNOHANG), 0);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	reap(c);
	for (int i = 0; i < 100 && r == 0; i++) {
		r = waitpid(sup, &status, WNOHANG);
		if (r == 0)
			usleep(50000);
	}
	ck_assert_msg(r == sup, "the supervisor still runs 5 s after its last client exited");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
}
END_TEST

/* ---- The kernel-only configuration: no supervisor to serve lookups or signals. ---- */

START_TEST(kernel_only_refuses_lookups_and_signals)
{
	struct stat st;
	cap_rights_t r;
	struct fx fx;
	int limited;

	fixture(&fx);
	force_kernel_only();
	limited = fresh(&fx);
	limit(limited, cap_rights_init(&r, CAP_LOOKUP, CAP_FSTATAT, CAP_READ, CAP_MKDIRAT));
	/* a limited directory cannot be judged: every lookup from it refused */
	ck_assert_fails(openat(limited, "f", O_RDONLY), ENOTCAPABLE);
	ck_assert_fails(mkdirat(limited, "new", 0755), ENOTCAPABLE);
	ENTER();
	ck_assert_fails(openat(fx.d, "f", O_RDONLY), ECAPMODE);
	ck_assert_fails(fstatat(fx.d, "f", &st, AT_SYMLINK_NOFOLLOW), ECAPMODE);
	ck_assert_fails(mkdirat(fx.d, "new", 0755), ECAPMODE);
	ck_assert_fails(kill(getpid(), 0), ECAPMODE);
	ck_assert_fails(kill(getppid(), 0), ECAPMODE);
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
}
END_TEST

/* ---- The capability-mode mark (supervisor/ctl.h). ---- */

START_TEST(rttime_mark_cannot_be_changed)
{
	struct rlimit before, lim, lower = {1000, 1000};

	ck_assert_int_eq(getrlimit(RLIMIT_RTTIME, &before), 0);
	ENTER();
	ck_assert_int_eq(getrlimit(RLIMIT_RTTIME, &lim), 0);
	ck_assert_uint_le(lim.rlim_max, CAPMODE_MARK);
	ck_assert_uint_le(lim.rlim_cur, lim.rlim_max);
	ck_assert_int_eq(prlimit(0, RLIMIT_RTTIME, NULL, &lim), 0);
	ck_assert_uint_le(lim.rlim_max, CAPMODE_MARK);
	/* no change at all, not even a lower one or the same */
	ck_assert_fails(setrlimit(RLIMIT_RTTIME, &lim), ECAPMODE);
	ck_assert_fails(setrlimit(RLIMIT_RTTIME, &lower), ECAPMODE);
	ck_assert_fails(prlimit(0, RLIMIT_RTTIME, &lim, NULL), ECAPMODE);
	ck_assert_fails(prlimit(0, RLIMIT_RTTIME, &lower, &before), ECAPMODE);
	ck_assert_fails(syscall(SYS_setrlimit, RLIMIT_RTTIME, &lower), ECAPMODE);
	/* other limits stay the caller's business */
	ck_assert_int_eq(getrlimit(RLIMIT_CORE, &lim), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_CORE, &lim), 0);
}
END_TEST

/*
 * cap_enter with no descriptors or processes to spare is in
 * test_capmode.c (enter_with_no_files_and_no_processes_left).
 */

static Suite *make_suite(void)
{
	Suite *s = suite_create("dircap");
	TCase *matrix = tcase_create("matrix"), *mutate = tcase_create("mutate"),
	      *libc = tcase_create("libc"), *rights = tcase_create("rights"),
	      *races = tcase_create("races"), *conc = tcase_create("concurrency"),
	      *sig = tcase_create("signals"), *inh = tcase_create("inheritance"),
	      *life = tcase_create("lifecycle"), *konly = tcase_create("kernel_only"),
	      *mark = tcase_create("mark");
	TCase *all[] = {matrix, mutate, libc, rights, races, conc, sig, inh, life, konly, mark};

	tcase_add_test(matrix, follow_matrix_in_capability_mode);
	tcase_add_test(matrix, nofollow_matrix_in_capability_mode);
	tcase_add_test(matrix, readlink_matrix_in_capability_mode);
	tcase_add_test(matrix, readlink_of_a_non_link_is_einval);
	tcase_add_test(matrix, limited_directory_matrix_outside_capability_mode);
	tcase_add_test(matrix, descriptor_opened_beneath_has_all_rights);
	tcase_add_test(matrix, procfs_is_never_served);
	tcase_add_test(matrix, at_fdcwd_is_ecapmode);
	tcase_add_test(matrix, openat2_resolve_flags);
	tcase_add_test(mutate, create_and_remove_entries);
	tcase_add_test(mutate, rename_and_link);
	tcase_add_test(mutate, change_metadata);
	tcase_add_test(mutate, open_flags);
	tcase_add_test(libc, fdopendir_lists_entries);
	tcase_add_test(libc, stdio_on_descriptors_from_openat);
	tcase_add_test(rights, limited_directory_outside_and_inside);
	tcase_add_test(rights, unlimited_directory_outside_capability_mode);
	tcase_add_test(rights, rights_table_outside_capability_mode);
	tcase_add_test(rights, rights_table_in_capability_mode);
	tcase_add_test(rights, fifo_needs_mkfifoat_not_mknodat);
	tcase_add_test(rights, documented_deviation_fifo_open_does_not_wait);
	tcase_add_test(rights, documented_deviation_limit_is_per_description);
	tcase_add_test(rights, xattrat_beneath_a_directory_is_refused);
	tcase_add_test(rights, rename_onto_existing_needs_unlinkat);
	tcase_add_test(rights, control_request_cannot_widen);
	tcase_add_test(races, path_rewritten_during_lookup);
	tcase_add_test(races, directory_moved_out_during_lookup);
	tcase_add_test(conc, threads_and_processes_at_once);
	tcase_add_test(sig, signals_to_oneself_only);
	tcase_add_test(sig, signals_in_a_confined_child);
	tcase_add_test(inh, child_forked_after_enter_uses_the_capability);
	tcase_add_test(inh, child_forked_before_enter_is_unconfined);
	tcase_add_test(life, killed_supervisor_fails_closed);
	tcase_add_test(life, killed_supervisor_outside_capability_mode);
	tcase_add_test(life, supervisor_killed_mid_request);
	tcase_add_test(life, supervisor_exits_after_its_last_client);
	tcase_add_test(konly, kernel_only_refuses_lookups_and_signals);
	tcase_add_test(mark, rttime_mark_cannot_be_changed);
	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		tcase_add_unchecked_fixture(all[i], base_setup, scratch_teardown);
		/* run directly, Check would allow 4 s; the races and the lifecycle take longer */
		tcase_set_timeout(all[i], 30);
		suite_add_tcase(s, all[i]);
	}
	return s;
}

TEST_MAIN()
