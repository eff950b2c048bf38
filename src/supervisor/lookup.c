/*
 * Lookups beneath a directory descriptor (spec 2.9, 2.10), performed by the
 * supervisor.
 *
 * Outside capability mode a lookup from an unrestricted directory is none
 * of our business: the call continues in the kernel, a decision taken on
 * registers and on the supervisor's records alone.  Every other lookup is
 * strict-relative and the supervisor does it itself, never letting the
 * caller's call continue once its memory was read:
 *
 *	copy the caller's directory descriptors (pidfd_getfd) and paths,
 *	check that the notification is still pending (the reads were the
 *	caller's), check the rights the record of each directory holds,
 *	resolve with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): the
 *	object itself as an O_PATH descriptor for calls that act on it, the
 *	parent directory for calls that create, remove or rename its last
 *	component, then act on that with AT_EMPTY_PATH or a single name,
 *	and hand back the result, a new descriptor through ADDFD.
 *
 * Escapes fail with ENOTCAPABLE (RESOLVE_BENEATH's EXDEV), as on FreeBSD.
 * Nothing on procfs is served: its "self" resolves to the resolver, which
 * is the supervisor.  Acting as the supervisor is acting as the caller only
 * when their credentials match; otherwise the call fails with EACCES.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <linux/magic.h>
#include <linux/openat2.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "paths.h"
#include "records.h"
#include "route.h"
#include "serve.h"
#include "slow.h"

enum op {
	OP_OPEN,
	OP_OPEN2,
	OP_STAT,
	OP_STATX,
	OP_ACCESS,
	OP_ACCESS2,
	OP_READLINK,
	OP_CHMOD,
	OP_CHMOD2,
	OP_CHOWN,
	OP_UTIMENS,
	OP_FUTIMESAT,
	OP_MKDIR,
	OP_MKNOD,
	OP_UNLINK,
	OP_SYMLINK,
	OP_LINK,
	OP_RENAME,
	OP_RENAME2,
	OP_GETXATTR,  /* getxattr, lgetxattr (paths.c: pseudo *at form, flags in args[5]) */
	OP_LISTXATTR, /* listxattr, llistxattr (likewise) */
};

#define NO_FLAGS 0xff

/*
 * Each call: the right its directory needs for a path (besides CAP_LOOKUP)
 * and for AT_EMPTY_PATH with "" (the descriptor itself), its flags argument.
 */
struct lookup_call {
	int nr;
	uint8_t op;
	uint8_t flags_arg;
	uint64_t right, fd_right;
};

/* clang-format off */
static const struct lookup_call calls[] = {
	{NR_openat,     OP_OPEN,      2,        0,                 0},
	{NR_openat2,    OP_OPEN2,     NO_FLAGS, 0,                 0},
	{NR_newfstatat, OP_STAT,      3,        CAP_FSTATAT,       CAP_FSTAT},
	{NR_statx,      OP_STATX,     2,        CAP_FSTATAT,       CAP_FSTAT},
	{NR_faccessat,  OP_ACCESS,    NO_FLAGS, CAP_FSTATAT,       CAP_FSTAT},
	{NR_faccessat2, OP_ACCESS2,   3,        CAP_FSTATAT,       CAP_FSTAT},
	{NR_readlinkat, OP_READLINK,  NO_FLAGS, 0,                 0},
	{NR_fchmodat,   OP_CHMOD,     NO_FLAGS, CAP_FCHMODAT,      CAP_FCHMOD},
	{NR_fchmodat2,  OP_CHMOD2,    3,        CAP_FCHMODAT,      CAP_FCHMOD},
	{NR_fchownat,   OP_CHOWN,     4,        CAP_FCHOWNAT,      CAP_FCHOWN},
	{NR_utimensat,  OP_UTIMENS,   3,        CAP_FUTIMESAT,     CAP_FUTIMES},
	{NR_futimesat,  OP_FUTIMESAT, NO_FLAGS, CAP_FUTIMESAT,     CAP_FUTIMES},
	{NR_mkdirat,    OP_MKDIR,     NO_FLAGS, CAP_MKDIRAT,       0},
	{NR_mknodat,    OP_MKNOD,     NO_FLAGS, CAP_MKNODAT,       0},
	{NR_unlinkat,   OP_UNLINK,    2,        CAP_UNLINKAT,      0},
	{NR_symlinkat,  OP_SYMLINK,   NO_FLAGS, CAP_SYMLINKAT,     0},
	{NR_linkat,     OP_LINK,      4,        CAP_LINKAT_SOURCE, CAP_LINKAT_SOURCE},
	{NR_renameat,   OP_RENAME,    NO_FLAGS, CAP_RENAMEAT_SOURCE, 0},
	{NR_renameat2,  OP_RENAME2,   4,        CAP_RENAMEAT_SOURCE, 0},
	{NR_getxattr,   OP_GETXATTR,  5,        CAP_EXTATTR_GET,   CAP_EXTATTR_GET},
	{NR_listxattr,  OP_LISTXATTR, 5,        CAP_EXTATTR_LIST,  CAP_EXTATTR_LIST},
};
/* clang-format on */

/* Everything open(2) accepts: openat2 refuses unknown bits, openat ignores them. */
#define OPEN_FLAGS                                                                                 \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |     \
	 O_SYNC | O_ASYNC | O_DIRECT | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | \
	 O_TMPFILE | 0100000 /* O_LARGEFILE, 0 in x86_64 user headers */)
#define BENEATH         (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
#define RACE_RETRIES    8
#define XATTR_SIZE_MAX_ 65536 /* the kernel's bound on a value or a list */

/* One directory argument: the caller's number, our copy, its record. */
struct dir {
	int fd, copy; /* copy: -1 until copied */
	int err;      /* why it could not be copied or its record read, or 0 */
	struct record rec;
};

struct job {
	struct target *t;
	const struct seccomp_data *d;
	const struct lookup_call *call;
	struct dir dir[2];
	char path[2][PATH_MAX];
	int flags;
	/* A global name the path table translated (paths.h), per slot: */
	bool named[2];
	struct named name[2];
	int bad;          /* the slot a refusal concerns */
	uint64_t missing; /* the right it lacked, or 0 */
	int shown_nr;     /* the call the program made (an old one, paths.h) */
};

static int arg_int(const struct seccomp_data *d, int i)
{
	return (int)(uint32_t)d->args[i];
}

static const struct lookup_call *find_call(int nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		if (calls[i].nr == nr)
			return &calls[i];
	return NULL;
}

static bool has(const struct record *rec, uint64_t right)
{
	return !rec->restricted || right == 0 || state_has(&rec->st, right);
}

/* has(), remembering what was lacking for the report (paths.h). */
static bool need(struct job *j, int i, uint64_t right)
{
	if (has(&j->dir[i].rec, right))
		return true;
	j->bad = i;
	j->missing = right;
	return false;
}

static bool on_procfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) != 0 || sf.f_type == PROC_SUPER_MAGIC;
}

/* openat2 beneath dfd; lookup escapes become ENOTCAPABLE.  fd or -errno. */
static int beneath(int dfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct open_how how = {.flags = flags | O_CLOEXEC, .mode = mode, .resolve = resolve};
	long fd = -1;

	for (int i = 0; i < RACE_RETRIES; i++) {
		fd = syscall(SYS_openat2, dfd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0)
		return errno == EXDEV ? -ENOTCAPABLE : -errno;
	if (on_procfs((int)fd)) {
		close((int)fd);
		return -ENOTCAPABLE;
	}
	return (int)fd;
}

/* The object path names, as an O_PATH descriptor; "" with AT_EMPTY_PATH is the directory. */
static int object(struct job *j, int i, bool follow)
{
	/*
	 * A directory above a grant, by its absolute name: its attributes
	 * only.  Walked without following any link: a name through a link
	 * (into a grant the program may write, where it could plant one) is
	 * no directory above a grant.
	 */
	if (j->name[i].ancestor) {
		int fd = beneath(AT_FDCWD, j->name[i].shown, O_PATH | O_NOFOLLOW, 0,
		                 RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);

		/* a link on the way (ELOOP), or procfs (ENOTCAPABLE): not there */
		return fd == -ELOOP || fd == -ENOTCAPABLE ? -ENOENT : fd;
	}
	if (j->path[i][0] == '\0') {
		if (!j->name[i].whole &&
		    (j->call->flags_arg == NO_FLAGS || !(j->flags & AT_EMPTY_PATH)))
			return -ENOENT;
		int fd = fcntl(j->dir[i].copy, F_DUPFD_CLOEXEC, 0);

		return fd < 0 ? -errno : fd;
	}
	return beneath(j->dir[i].copy, j->path[i], O_PATH | (follow ? 0 : O_NOFOLLOW), 0, BENEATH);
}

static bool dots(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/*
 * The directory that will hold path's last component, and that component
 * (with any trailing slashes, which keep their meaning).  A last component
 * of "." or ".." names no entry that may be created or removed: -EEXIST
 * after checking that the path stays beneath.
 */
static int parent(struct job *j, int i, const char **base)
{
	char *p = j->path[i];
	size_t len = strlen(p), end = len, start;
	int fd;

	if (j->name[i].whole)
		return -ENOTCAPABLE; /* the granted name itself: its directory is not granted */
	if (len == 0)
		return -ENOENT;
	while (end > 0 && p[end - 1] == '/')
		end--;
	if (end == 0)
		return -ENOTCAPABLE; /* "/" */
	start = end;
	while (start > 0 && p[start - 1] != '/')
		start--;
	if (dots(p + start, end - start)) {
		fd = object(j, i, false);
		if (fd < 0)
			return fd;
		close(fd);
		return -EEXIST;
	}
	*base = p + start;
	if (start == 0)
		return beneath(j->dir[i].copy, ".", O_PATH | O_DIRECTORY, 0, BENEATH);
	char dirpart[PATH_MAX];

	memcpy(dirpart, p, start);
	dirpart[start] = '\0';
	return beneath(j->dir[i].copy, dirpart, O_PATH | O_DIRECTORY, 0, BENEATH);
}

static void proc_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* --- Calls that act on an existing object. --- */

/*
 * The rights an open needs beyond CAP_LOOKUP, by its flags (spec 2.9).
 * O_PATH, Linux's O_SEARCH, adds nothing.
 */
static const struct open_right {
	uint64_t mask, value; /* (flags & mask) == value */
	uint64_t right;
} open_rights[] = {
    {O_PATH | O_ACCMODE, O_RDONLY, CAP_READ},
    {O_PATH | O_ACCMODE, O_WRONLY, CAP_WRITE},
    {O_PATH | O_ACCMODE, O_RDWR, CAP_READ},
    {O_PATH | O_ACCMODE, O_RDWR, CAP_WRITE},
    {O_PATH | O_ACCMODE | O_APPEND | O_TRUNC, O_WRONLY, CAP_SEEK},
    {O_PATH | O_ACCMODE | O_APPEND | O_TRUNC, O_RDWR, CAP_SEEK},
    {O_PATH | O_CREAT, O_CREAT, CAP_CREATE},
    {O_PATH | O_TMPFILE, O_TMPFILE, CAP_CREATE},
    {O_PATH | O_TRUNC, O_TRUNC, CAP_FTRUNCATE},
    {O_PATH | O_DSYNC, O_DSYNC, CAP_FSYNC}, /* O_SYNC includes it */
};

/* How much a grant holding the right gives (paths_grant_of): reports name the largest lacking. */
static int rank(uint64_t right)
{
	static const char order[] = "rewca"; /* --read, --exec, --write, --create, --all */
	const char *at = strchr(order, paths_grant_of(right));

	return at ? (int)(at - order) : 0;
}

static bool may_open(struct job *j, uint64_t flags)
{
	uint64_t missing = 0;

	/* A granted file itself (paths.h) exists: O_CREAT without O_EXCL creates nothing. */
	if (j->name[0].whole && !(flags & O_EXCL))
		flags &= ~(uint64_t)O_CREAT;
	for (size_t i = 0; i < ARRAY_SIZE(open_rights); i++)
		if ((flags & open_rights[i].mask) == open_rights[i].value &&
		    !has(&j->dir[0].rec, open_rights[i].right) &&
		    (missing == 0 || rank(open_rights[i].right) > rank(missing)))
			missing = open_rights[i].right;
	if (missing == 0)
		return true;
	need(j, 0, missing);
	return false;
}

/* The right that matters most for an open with these flags, for reports. */
static uint64_t open_need(uint64_t flags)
{
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return CAP_CREATE;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return CAP_WRITE;
	return CAP_READ;
}

/*
 * The granted name itself (paths.h), opened again from the supervisor's
 * copy of its descriptor, with what the open asks: the rights were checked.
 */
static int reopen(struct job *j, uint64_t flags)
{
	char proc[64];
	int fd;

	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -ENOTCAPABLE;
	proc_path(proc, sizeof(proc), j->dir[0].copy);
	fd = open(proc, (int)(flags & ~(uint64_t)(O_CREAT | O_NOFOLLOW)) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (on_procfs(fd)) {
		close(fd);
		return -ENOTCAPABLE;
	}
	return fd;
}

/*
 * ADDFD cannot install an O_PATH descriptor (fget refuses them).  A
 * directory is given as one open for reading instead (with the same
 * rights: its state, not its open mode, decides what it may do), as
 * programs open a target directory to work beneath it (cp, mv, ln); any
 * other O_PATH open fails with EOPNOTSUPP (DEVIATIONS.md).  Takes fd.
 */
static int path_to_directory(int fd)
{
	struct stat st;
	int dir = -EOPNOTSUPP;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		dir = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dir < 0)
			dir = -EOPNOTSUPP;
	}
	close(fd);
	return dir;
}

static int do_open(struct job *j, struct reply *r)
{
	const struct seccomp_data *d = j->d;
	struct open_how how = {0};
	struct seccomp_notif_addfd add = {0};
	int fd, newfd;

	if (j->call->op == OP_OPEN) {
		how.flags = (uint64_t)(uint32_t)d->args[2] & OPEN_FLAGS;
		how.mode = d->args[3] & 07777;
		if (!(how.flags & O_CREAT) && (how.flags & O_TMPFILE) != O_TMPFILE)
			how.mode = 0;
		how.resolve = BENEATH;
	} else {
		size_t size = (size_t)d->args[3];
		unsigned char extra[256] = {0};

		if (size < sizeof(how))
			return -EINVAL;
		if (target_read(j->t, d->args[2], &how, sizeof(how)) != 0)
			return -EFAULT;
		/* A larger structure is fine if what we do not know of it is zero. */
		for (size_t off = sizeof(how); off < size; off += sizeof(extra)) {
			size_t n = size - off < sizeof(extra) ? size - off : sizeof(extra);

			if (size > 4096)
				return -E2BIG;
			if (target_read(j->t, d->args[2] + off, extra, n) != 0)
				return -EFAULT;
			for (size_t k = 0; k < n; k++)
				if (extra[k])
					return -E2BIG;
		}
		how.resolve |= (how.resolve & RESOLVE_IN_ROOT) ? RESOLVE_NO_MAGICLINKS : BENEATH;
	}
	if (!target_valid(j->t))
		return -ESRCH;
	if (!may_open(j, how.flags))
		return -ENOTCAPABLE;
	/* Linux's "ioctl only" access mode needs no right: FreeBSD has none. */
	if (j->dir[0].rec.restricted && (how.flags & (O_ACCMODE | O_PATH)) == O_ACCMODE)
		return -EINVAL;
	if (how.flags & (O_CREAT | O_TMPFILE)) {
		int mask = target_umask(j->t);

		if (mask < 0)
			return mask;
		how.mode &= ~(uint64_t)mask;
	}
	/*
	 * Never wait in open (a FIFO without a peer, a lease): one caller must
	 * not hold up a worker.  The caller gets the blocking mode it asked for.
	 */
	if (j->name[0].whole)
		fd = reopen(j, (how.flags & ~(uint64_t)O_CLOEXEC) | O_NONBLOCK);
	else
		fd = beneath(j->dir[0].copy, j->path[0],
		             (how.flags & ~(uint64_t)O_CLOEXEC) |
		                 ((how.flags & O_PATH) ? 0 : O_NONBLOCK),
		             how.mode, how.resolve);
	if (fd < 0)
		return fd;
	if ((how.flags & O_PATH) && (fd = path_to_directory(fd)) < 0)
		return fd;
	if (!(how.flags & (O_NONBLOCK | O_PATH))) {
		int fl = fcntl(fd, F_GETFL);

		if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
			close(fd);
			return -EIO;
		}
	}
	/*
	 * FreeBSD gives the new descriptor the directory's rights: from a
	 * restricted directory it goes to the slow range with them (slow.h),
	 * from an unrestricted one to the lowest free number, as the kernel
	 * would.
	 */
	if (j->dir[0].rec.restricted) {
		newfd =
		    slow_place(j->t, fd, &j->dir[0].rec.st, -1, 0, (how.flags & O_CLOEXEC) != 0);
		close(fd);
		r->done = newfd == 0;
		return newfd;
	}
	add.id = j->t->id;
	add.flags = SECCOMP_ADDFD_FLAG_SEND;
	add.srcfd = (uint32_t)fd;
	add.newfd_flags = (how.flags & O_CLOEXEC) ? O_CLOEXEC : 0;
	newfd = ioctl(j->t->lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
	close(fd);
	if (newfd < 0)
		return -errno;
	r->done = true;
	return 0;
}

static int write_out(struct job *j, int arg, const void *buf, size_t len)
{
	return target_write(j->t, j->d->args[arg], buf, len);
}

/*
 * Extended attributes by name (the old calls, paths.c), read through
 * /proc/self/fd/N of the object: an O_PATH descriptor of a link itself
 * reads the link's own.  Buffers of at most XATTR_SIZE_MAX.
 */
static int xattr(struct job *j, struct reply *r, const char *proc)
{
	const struct seccomp_data *d = j->d;
	char name[PATH_MAX], *buf;
	uint64_t size = j->call->op == OP_GETXATTR ? d->args[4] : d->args[3];
	ssize_t n = -1;
	int res = 0;

	/* not in thread-local storage: glibc carves that out of every thread's stack */
	if (size > XATTR_SIZE_MAX_)
		size = XATTR_SIZE_MAX_;
	if ((buf = malloc(size ? (size_t)size : 1)) == NULL)
		return -ENOMEM;
	if (j->call->op == OP_GETXATTR) {
		if (target_read_path(j->t, d->args[2], name) != 0 || !target_valid(j->t))
			res = -EFAULT;
		else
			n = getxattr(proc, name, buf, (size_t)size);
	} else {
		n = listxattr(proc, buf, (size_t)size);
	}
	if (res == 0 && n < 0)
		res = -errno;
	else if (res == 0 && size > 0 &&
	         write_out(j, j->call->op == OP_GETXATTR ? 3 : 2, buf, (size_t)n) != 0)
		res = -EFAULT;
	else if (res == 0)
		r->val = n;
	free(buf);
	return res;
}

static int on_object(struct job *j, struct reply *r)
{
	const struct seccomp_data *d = j->d;
	bool nofollow = j->call->flags_arg != NO_FLAGS && (j->flags & AT_SYMLINK_NOFOLLOW);
	char proc[64], buf[PATH_MAX];
	struct timespec ts[2], *tsp = NULL;
	struct stat st;
	struct statx stx;
	int fd, res = 0;

	switch (j->call->op) {
	case OP_READLINK:
		nofollow = true;
		break;
	case OP_UTIMENS:
		if (d->args[2] != 0) {
			if (target_read(j->t, d->args[2], ts, sizeof(ts)) != 0)
				return -EFAULT;
			tsp = ts;
		}
		break;
	case OP_FUTIMESAT:
		if (d->args[2] != 0) {
			struct timeval tv[2];

			if (target_read(j->t, d->args[2], tv, sizeof(tv)) != 0)
				return -EFAULT;
			for (int i = 0; i < 2; i++)
				ts[i] = (struct timespec){tv[i].tv_sec, tv[i].tv_usec * 1000};
			tsp = ts;
		}
		break;
	}
	if (!target_valid(j->t))
		return -ESRCH;
	fd = object(j, 0, !nofollow);
	if (fd < 0)
		return fd;
	proc_path(proc, sizeof(proc), fd);
	switch (j->call->op) {
	case OP_STAT:
		if (fstatat(fd, "", &st, AT_EMPTY_PATH) != 0)
			res = -errno;
		else
			res = write_out(j, 2, &st, sizeof(st));
		break;
	case OP_STATX:
		if (statx(fd, "", AT_EMPTY_PATH | (j->flags & AT_STATX_SYNC_TYPE),
		          (unsigned)d->args[3], &stx) != 0)
			res = -errno;
		else
			res = write_out(j, 4, &stx, sizeof(stx));
		break;
	case OP_ACCESS:
	case OP_ACCESS2:
		if (syscall(SYS_faccessat2, fd, "", arg_int(d, 2),
		            AT_EMPTY_PATH | (j->flags & AT_EACCESS)) != 0)
			res = -errno;
		break;
	case OP_READLINK: {
		size_t size = d->args[3] < sizeof(buf) ? (size_t)d->args[3] : sizeof(buf);
		ssize_t n = readlinkat(fd, "", buf, size);

		/* "" on an O_PATH descriptor says ENOENT where a path says EINVAL */
		if ((int)d->args[3] <= 0 || (n < 0 && fstat(fd, &st) == 0 && !S_ISLNK(st.st_mode)))
			res = -EINVAL;
		else if (n < 0)
			res = -errno;
		else if ((res = write_out(j, 2, buf, (size_t)n)) == 0)
			r->val = n;
		break;
	}
	case OP_CHMOD:
	case OP_CHMOD2:
		if (fstatat(fd, "", &st, AT_EMPTY_PATH) != 0)
			res = -errno;
		else if (S_ISLNK(st.st_mode))
			res = -EOPNOTSUPP; /* Linux has no modes on symbolic links */
		else if (chmod(proc, (mode_t)d->args[2] & 07777) != 0)
			res = -errno;
		break;
	case OP_CHOWN:
		if (fchownat(fd, "", (uid_t)d->args[2], (gid_t)d->args[3], AT_EMPTY_PATH) != 0)
			res = -errno;
		break;
	case OP_UTIMENS:
	case OP_FUTIMESAT:
		if (utimensat(fd, "", tsp, AT_EMPTY_PATH) != 0)
			res = -errno;
		break;
	case OP_GETXATTR:
	case OP_LISTXATTR:
		res = xattr(j, r, proc);
		break;
	}
	close(fd);
	return res;
}

/* --- Calls that create, remove or rename a directory entry. --- */

static int on_entry(struct job *j)
{
	const struct seccomp_data *d = j->d;
	const char *base = NULL, *nbase = NULL;
	char target[PATH_MAX], proc[64];
	int p, np = -1, obj = -1, res = 0, mask = 0;
	mode_t mode = (mode_t)d->args[2];

	if ((j->call->op == OP_MKDIR || j->call->op == OP_MKNOD) && (mask = target_umask(j->t)) < 0)
		return mask;
	if (j->call->op == OP_SYMLINK && target_read_path(j->t, d->args[0], target) != 0)
		return -EFAULT;
	if (!target_valid(j->t))
		return -ESRCH;
	switch (j->call->op) {
	case OP_MKDIR:
		if ((p = parent(j, 0, &base)) < 0)
			return p;
		if (mkdirat(p, base, mode & 07777 & ~(mode_t)mask) != 0)
			res = -errno;
		break;
	case OP_MKNOD:
		/*
		 * No device nodes: one made by a privileged supervisor would open
		 * any device.  FreeBSD's device nodes outside devfs open nothing.
		 */
		if (S_ISCHR(mode) || S_ISBLK(mode))
			return -EPERM;
		if ((p = parent(j, 0, &base)) < 0)
			return p;
		if (mknodat(p, base, (mode & S_IFMT) | (mode & 07777 & ~(mode_t)mask),
		            (dev_t)d->args[3]) != 0)
			res = -errno;
		break;
	case OP_UNLINK:
		if ((p = parent(j, 0, &base)) < 0)
			return p == -EEXIST ? ((j->flags & AT_REMOVEDIR) ? -EINVAL : -EISDIR) : p;
		if (unlinkat(p, base, j->flags & AT_REMOVEDIR) != 0)
			res = -errno;
		break;
	case OP_SYMLINK:
		if ((p = parent(j, 0, &base)) < 0)
			return p;
		if (symlinkat(target, p, base) != 0)
			res = -errno;
		break;
	case OP_LINK:
		/*
		 * Naming the file behind a descriptor ("" with AT_EMPTY_PATH) would
		 * let a write-only or O_PATH descriptor be reopened for reading;
		 * Linux asks CAP_DAC_READ_SEARCH for it, FreeBSD a privilege.
		 */
		if (j->path[0][0] == '\0')
			return -ENOENT;
		obj = object(j, 0, (j->flags & AT_SYMLINK_FOLLOW) != 0);
		if (obj < 0)
			return obj;
		if ((p = parent(j, 1, &base)) < 0) {
			close(obj);
			return p;
		}
		proc_path(proc, sizeof(proc), obj);
		if (linkat(AT_FDCWD, proc, p, base, AT_SYMLINK_FOLLOW) != 0)
			res = -errno;
		close(obj);
		break;
	default: /* OP_RENAME, OP_RENAME2 */ {
		unsigned flags = j->call->op == OP_RENAME2 ? (unsigned)d->args[4] : 0;
		struct stat st;

		if ((p = parent(j, 0, &base)) < 0)
			return p == -EEXIST ? -EBUSY : p;
		if ((np = parent(j, 1, &nbase)) < 0) {
			close(p);
			return np == -EEXIST ? -EBUSY : np;
		}
		/*
		 * Replacing an entry needs CAP_UNLINKAT on the target directory.
		 * Without it, an entry that appears after the check must not be
		 * replaced either: RENAME_NOREPLACE.  An exchange moves an entry
		 * each way, removing none: both directories are source and target.
		 */
		if (flags & RENAME_EXCHANGE) {
			for (int i = 0; i < 2; i++)
				if (!has(&j->dir[i].rec, CAP_RENAMEAT_SOURCE) ||
				    !has(&j->dir[i].rec, CAP_RENAMEAT_TARGET))
					res = -ENOTCAPABLE;
		} else if (!has(&j->dir[1].rec, CAP_UNLINKAT)) {
			if (fstatat(np, nbase, &st, AT_SYMLINK_NOFOLLOW) == 0)
				res = -ENOTCAPABLE;
			flags |= RENAME_NOREPLACE;
		}
		/* A whiteout is a character device: no device nodes (OP_MKNOD). */
		if (res == 0 && (flags & RENAME_WHITEOUT))
			res = -EPERM;
		if (res == 0 && renameat2(p, base, np, nbase, flags) != 0)
			res = -errno;
		close(np);
		break;
	}
	}
	close(p);
	return res;
}

/*
 * An open from the current directory in capability mode (only the lean
 * listener routes it): "/proc/self/fd/N/rest" is rest beneath descriptor
 * N, as an openat(N, rest) would be -- how a loader given
 * LD_LIBRARY_PATH_FDS finds its libraries (compat/fexecve.c).  Any other
 * path is a global name.  Rewrites path to rest: 0, or -ECAPMODE.
 */
static int beneath_proc_fd(char *path, int *fd)
{
	static const char prefix[] = "/proc/self/fd/";
	char *p = path + sizeof(prefix) - 1, *end;
	long n;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0 || *p < '0' || *p > '9')
		return -ECAPMODE;
	n = strtol(p, &end, 10);
	if (*end != '/' || end[1] == '\0' || n < 0 || n > INT_MAX)
		return -ECAPMODE;
	*fd = (int)n;
	memmove(path, end + 1, strlen(end + 1) + 1);
	return 0;
}

/* --- Deciding. --- */

static void release(struct job *j)
{
	for (int i = 0; i < 2; i++)
		if (j->dir[i].copy >= 0)
			close(j->dir[i].copy);
}

/* Copy the directory in slot i and find its record: 0 or -errno. */
/*
 * Copy the directory in slot i and find its record, once per call: the
 * decision to let the call continue and the strict path share the copy.
 * 0 or -errno (a record that cannot be read fails closed).
 */
static int copy_dir(struct job *j, int i, int fd)
{
	struct dir *dir = &j->dir[i];

	if (dir->copy >= 0 || dir->err != 0)
		return dir->err;
	dir->fd = fd;
	dir->copy = target_getfd(j->t, dir->fd);
	if (dir->copy < 0) {
		dir->err = dir->copy;
		dir->copy = -1;
	} else if (slow_state(j->t, dir->fd, dir->copy, &dir->rec) != 0) {
		dir->err = -ENOTCAPABLE;
	}
	return dir->err;
}

/* The directory in slot i for the strict path: 0 or -errno. */
static int fetch_dir(struct job *j, int i, int fd)
{
	int r;

	if (fd == AT_FDCWD)
		return j->t->capmode ? -ECAPMODE : -ENOTCAPABLE;
	if ((r = copy_dir(j, i, fd)) != 0)
		return r;
	return on_procfs(j->dir[i].copy) ? -ENOTCAPABLE : 0;
}

/*
 * Outside capability mode, may the call go on in the kernel?  Only when no
 * directory it names is restricted.  Records are per description and only
 * narrow, and a restricted file reaches a new number only through the
 * supervisor, on a slow number only when its state includes what the
 * number held (slow.h), never by a copy the kernel makes, so the answer
 * cannot change before the kernel runs the call.  A descriptor the
 * supervisor cannot copy (not open, the caller not dumpable, no
 * descriptors left) cannot be shown unrestricted: the strict path answers.
 */
static bool unrestricted(struct job *j, const struct route *route)
{
	bool slow = false;

	for (int i = 0; i < 2 && route->dirfd[i] != NO_ARG; i++)
		slow |= slow_number(j->d->args[route->dirfd[i]]);
	if (!slow && !records_any())
		return true;
	for (int i = 0; i < 2 && route->dirfd[i] != NO_ARG; i++) {
		if (arg_int(j->d, route->dirfd[i]) == AT_FDCWD)
			continue;
		if (copy_dir(j, i, arg_int(j->d, route->dirfd[i])) != 0 || j->dir[i].rec.restricted)
			return false;
	}
	return true;
}

/* The first right the call needs beyond CAP_LOOKUP in slot i, for reports and learning. */
static uint64_t call_need(const struct job *j, int i)
{
	switch (j->call->op) {
	case OP_OPEN:
		return open_need((uint32_t)j->d->args[2]);
	case OP_OPEN2:
		return CAP_READ; /* its flags are in memory */
	case OP_LINK:
		return i == 0 ? CAP_LINKAT_SOURCE : CAP_LINKAT_TARGET;
	case OP_RENAME:
	case OP_RENAME2:
		return i == 0 ? CAP_RENAMEAT_SOURCE : CAP_RENAMEAT_TARGET;
	case OP_MKNOD:
		return S_ISFIFO((mode_t)j->d->args[2]) ? CAP_MKFIFOAT : CAP_MKNODAT;
	default:
		return j->call->right ? j->call->right : CAP_LOOKUP;
	}
}

/* Whether the call creates, removes or renames the name in slot 0. */
static bool entry_op(const struct job *j)
{
	switch (j->call->op) {
	case OP_OPEN:
		return open_need((uint32_t)j->d->args[2]) == CAP_CREATE;
	case OP_MKDIR:
	case OP_MKNOD:
	case OP_UNLINK:
	case OP_SYMLINK:
	case OP_RENAME:
	case OP_RENAME2:
		return true;
	case OP_LINK:
		return j->bad == 1;
	default:
		return false;
	}
}

/* Whether the call follows a symbolic link in the last component of slot i. */
static bool follows(const struct job *j, int i)
{
	switch (j->call->op) {
	case OP_OPEN:
		return !((uint32_t)j->d->args[2] & (O_NOFOLLOW | O_EXCL));
	case OP_OPEN2:
		return true; /* its flags are in memory: openat2 itself decides, beneath the entry
		              */
	case OP_READLINK:
	case OP_MKDIR:
	case OP_MKNOD:
	case OP_UNLINK:
	case OP_SYMLINK:
	case OP_RENAME:
	case OP_RENAME2:
		return false;
	case OP_LINK:
		return i == 0 && (j->flags & AT_SYMLINK_FOLLOW);
	case OP_ACCESS:
	case OP_ACCESS2:
	case OP_CHMOD:
	case OP_CHMOD2:
	case OP_FUTIMESAT:
		return j->call->flags_arg == NO_FLAGS || !(j->flags & AT_SYMLINK_NOFOLLOW);
	default:
		return !(j->flags & AT_SYMLINK_NOFOLLOW);
	}
}

/* The rights of each directory for this call. */
static int check_rights(struct job *j)
{
	const struct lookup_call *c = j->call;
	bool empty =
	    j->path[0][0] == '\0' && c->flags_arg != NO_FLAGS && (j->flags & AT_EMPTY_PATH);
	uint64_t right = c->right;

	/* mkfifoat(3) is mknodat(S_IFIFO) on Linux */
	if (c->op == OP_MKNOD && S_ISFIFO((mode_t)j->d->args[2]))
		right = CAP_MKFIFOAT;
	if (empty && !j->name[0].whole) {
		if (!need(j, 0, c->fd_right))
			return -ENOTCAPABLE;
	} else if (!need(j, 0, CAP_LOOKUP) || !need(j, 0, right)) {
		return -ENOTCAPABLE;
	}
	switch (c->op) {
	case OP_LINK:
		if (!need(j, 1, CAP_LOOKUP) || !need(j, 1, CAP_LINKAT_TARGET))
			return -ENOTCAPABLE;
		break;
	case OP_RENAME:
	case OP_RENAME2:
		if (!need(j, 1, CAP_LOOKUP) || !need(j, 1, CAP_RENAMEAT_TARGET))
			return -ENOTCAPABLE;
		break;
	}
	return 0;
}

/* Outside capability mode, under capsicum --learn: what the call names, and how. */
static void learn(struct job *j, const struct route *route)
{
	for (int i = 0; i < 2 && route->dirfd[i] != NO_ARG; i++) {
		char path[PATH_MAX];

		/* "" (AT_EMPTY_PATH) is the descriptor itself: no name */
		if (j->d->args[route->dirfd[i] + 1] == 0 ||
		    target_read_path(j->t, j->d->args[route->dirfd[i] + 1], path) != 0 ||
		    path[0] == '\0')
			continue;
		paths_learn(j->t, arg_int(j->d, route->dirfd[i]), path,
		            paths_grant_of(j->call ? call_need(j, i) : CAP_READ),
		            j->call && j->call->op == OP_OPEN);
	}
}

/* Refusals of global names, one line each where the table says so (paths.h). */
static void report(struct job *j, int res, struct reply *r)
{
	int i = j->bad;

	if ((res == -ENOTCAPABLE || res == -ECAPMODE || (res == -ENOENT && j->name[i].entry < 0)) &&
	    j->named[i])
		r->refused =
		    paths_refused(j->shown_nr, &j->name[i], -res,
		                  j->missing ? j->missing : call_need(j, i), i == 1 || entry_op(j));
}

/* A directory above a grant (paths.h): its attributes may be read, nothing else. */
static int above(struct job *j, struct reply *r)
{
	switch (j->call->op) {
	case OP_STAT:
	case OP_STATX:
	case OP_ACCESS:
	case OP_ACCESS2:
	case OP_READLINK:
	case OP_GETXATTR:
	case OP_LISTXATTR:
		if (!j->name[0].ancestor)
			break;
		return on_object(j, r);
	}
	j->bad = j->name[0].ancestor ? 0 : 1;
	return -ENOTCAPABLE;
}

/* A name from the current directory in capability mode, in slot i: 0 or -errno. */
/*
 * A name from the current directory in capability mode, in slot i: 0 with
 * *fd the caller's directory for fetch_dir(), or with *fd -1 and slot i
 * filled (the grant's own copy and state, paths.h); or -errno.
 */
static int from_cwd(struct job *j, int i, int *fd)
{
	struct dir *dir = &j->dir[i];
	int r;

	if (beneath_proc_fd(j->path[i], fd) == 0)
		return 0;
	if (!paths_enabled())
		return -ECAPMODE;
	/* "" names nothing (the kernel: ENOENT), not the working directory */
	if (j->path[i][0] == '\0')
		return -ENOENT;
	j->named[i] = true;
	j->bad = i;
	*fd = -1;
	r = paths_resolve(j->path[i], follows(j, i), &dir->copy, &dir->rec, &j->name[i]);
	if (r == 0 && dir->copy >= 0 && on_procfs(dir->copy))
		r = -ENOTCAPABLE;
	return r;
}

void serve_lookup(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	lookup_as(t, d, (int)d->nr, r);
}

/* The route of the pseudo *at forms of the xattr calls (paths.c): a directory in args[0]. */
static const struct route xattr_routes[] = {
    {NR_getxattr, RK_LOOKUP, {0, NO_ARG}, 1, 0},
    {NR_listxattr, RK_LOOKUP, {0, NO_ARG}, 1, 0},
};

void lookup_as(struct target *t, const struct seccomp_data *d, int shown_nr, struct reply *r)
{
	const struct route *route = (int)d->nr == NR_getxattr    ? &xattr_routes[0]
	                            : (int)d->nr == NR_listxattr ? &xattr_routes[1]
	                                                         : route_find((int)d->nr);
	struct job j = {.t = t, .d = d, .call = find_call((int)d->nr), .shown_nr = shown_nr};
	int res;

	j.dir[0].copy = j.dir[1].copy = -1;
	if (!t->capmode && paths_learning())
		learn(&j, route);
	if (!t->capmode && unrestricted(&j, route)) {
		release(&j);
		r->cont = true;
		return;
	}
	if (j.call == NULL)
		res = t->capmode ? -ECAPMODE : -ENOTCAPABLE; /* not served yet */
	else
		res = target_check_creds(t);
	if (res == 0)
		j.flags = j.call->flags_arg == NO_FLAGS ? 0 : arg_int(d, j.call->flags_arg);
	for (int i = 0; i < 2 && route->dirfd[i] != NO_ARG && res == 0; i++) {
		int fd = arg_int(d, route->dirfd[i]);
		bool cwd = fd == AT_FDCWD && t->capmode;

		/* the directory first: a caller the supervisor may not read fails so */
		if (!cwd)
			res = fetch_dir(&j, i, fd);
		if (res == 0 && cwd && d->args[route->dirfd[i] + 1] == 0)
			res = -ECAPMODE; /* fstatat(AT_FDCWD, NULL): the current directory itself */
		else if (res == 0 &&
		         target_read_path(t, d->args[route->dirfd[i] + 1], j.path[i]) != 0)
			res = -EFAULT;
		if (res == 0 && cwd && (res = from_cwd(&j, i, &fd)) == 0 && fd >= 0)
			res = fetch_dir(&j, i, fd);
	}
	if (res == 0 && (j.name[0].ancestor || j.name[1].ancestor))
		res = above(&j, r);
	else if (res == 0)
		res = check_rights(&j);
	if (res == 0 && !j.name[0].ancestor && !j.name[1].ancestor) {
		switch (j.call->op) {
		case OP_OPEN:
		case OP_OPEN2:
			res = do_open(&j, r);
			break;
		case OP_MKDIR:
		case OP_MKNOD:
		case OP_UNLINK:
		case OP_SYMLINK:
		case OP_LINK:
		case OP_RENAME:
		case OP_RENAME2:
			res = on_entry(&j);
			break;
		default:
			res = on_object(&j, r);
			break;
		}
	}
	if (res < 0 && t->capmode)
		report(&j, res, r);
	release(&j);
	if (res < 0)
		r->error = -res;
}
