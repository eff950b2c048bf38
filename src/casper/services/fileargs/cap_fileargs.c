/*
 * system.fileargs: the files named on a command line, for a program in
 * capability mode.  The limits name the files (one NULL entry each, names
 * may repeat), the open flags and mode, the operations (FA_*) and
 * optionally the capability rights of every descriptor handed out; they
 * can be set once.  A name must match a listed one byte for byte.
 *
 * Rights on Linux belong to descriptor numbers of one process, so a limit
 * the service applied would not travel with the descriptor.  The service
 * instead opens with no more access than the rights allow (no write mode
 * without CAP_WRITE, no read mode beside a write one without CAP_READ),
 * sends the rights with the descriptor, and the client library limits
 * the descriptor before the caller sees it.  A client that sends its own
 * requests gets the descriptor unlimited, bounded by its open mode.
 *
 * Opening or lstat'ing the first name, and then the name after the last
 * one shipped, ships the next CACHE_SIZE names pre-opened and pre-stat'ed
 * in the same reply; the client hands each cached descriptor out once.
 * Not with O_CREAT, and descriptors are not cached when rights are set:
 * every limited number costs a kernel filter, and a process has room for
 * fewer than a hundred.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <libcasper.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include <casper/cap_fileargs.h>

#define FA_API __attribute__((visibility("default")))

#define FILEARGS_MAGIC 0xfa00fa00u
#define CACHE_SIZE     128
#define FA_ALL_OPS     (FA_OPEN | FA_LSTAT | FA_REALPATH)

struct fileargs {
	uint32_t fa_magic;
	nvlist_t *fa_cache;      /* the last batch: name -> {fd, stat} */
	cap_channel_t *fa_chann; /* NULL: no files, everything ENOTCAPABLE */
	int fa_fdflags;
	bool fa_hasrights; /* fa_rights came with a descriptor */
	cap_rights_t fa_rights;
};

/* ---- client ---- */

static void check(const fileargs_t *fa)
{
	if (fa == NULL || fa->fa_magic != FILEARGS_MAGIC) {
		static const char msg[] = "cap_fileargs: not a fileargs handle\n";

		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
}

static fileargs_t *fileargs_create(cap_channel_t *chan, int fdflags)
{
	fileargs_t *fa = calloc(1, sizeof(*fa));

	if (fa != NULL) {
		fa->fa_magic = FILEARGS_MAGIC;
		fa->fa_chann = chan;
		fa->fa_fdflags = fdflags;
	}
	return fa;
}

static nvlist_t *create_limits(int argc, char *const *argv, int flags, mode_t mode,
                               const cap_rights_t *rightsp, int operations)
{
	nvlist_t *limits;
	int err;

	for (int i = 0; i < argc; i++) {
		if (argv[i] == NULL || strlen(argv[i]) >= PATH_MAX) {
			errno = argv[i] == NULL ? EINVAL : ENAMETOOLONG;
			return NULL;
		}
	}
	limits = nvlist_create(NV_FLAG_NO_UNIQUE);
	if (limits == NULL)
		return NULL;
	nvlist_add_number(limits, "flags", (uint64_t)(unsigned)flags);
	nvlist_add_number(limits, "operations", (uint64_t)(unsigned)operations);
	if (rightsp != NULL)
		nvlist_add_binary(limits, "cap_rights", rightsp, sizeof(*rightsp));
	if (flags & O_CREAT)
		nvlist_add_number(limits, "mode", (uint64_t)mode);
	for (int i = 0; i < argc; i++)
		nvlist_add_null(limits, argv[i]);
	if ((err = nvlist_error(limits)) != 0) {
		nvlist_destroy(limits);
		errno = err;
		return NULL;
	}
	return limits;
}

FA_API fileargs_t *fileargs_cinitnv(cap_channel_t *cas, nvlist_t *limits)
{
	cap_channel_t *chann;
	fileargs_t *fa;
	int flags;

	if (limits == NULL)
		return fileargs_create(NULL, 0);
	if (cas == NULL) {
		nvlist_destroy(limits);
		errno = EINVAL;
		return NULL;
	}
	flags = nvlist_exists_number(limits, "flags") ? (int)nvlist_get_number(limits, "flags") : 0;
	/* nvlist_destroy() and cap_close() keep errno. */
	if ((chann = cap_service_open(cas, "system.fileargs")) == NULL) {
		nvlist_destroy(limits);
		return NULL;
	}
	/* cap_limit_set() consumes the limits whatever happens. */
	if (cap_limit_set(chann, limits) < 0 || (fa = fileargs_create(chann, flags)) == NULL) {
		cap_close(chann);
		return NULL;
	}
	return fa;
}

FA_API fileargs_t *fileargs_initnv(nvlist_t *limits)
{
	cap_channel_t *cas;
	fileargs_t *fa;

	if (limits == NULL)
		return fileargs_create(NULL, 0);
	if ((cas = cap_init()) == NULL) {
		nvlist_destroy(limits);
		return NULL;
	}
	fa = fileargs_cinitnv(cas, limits);
	cap_close(cas); /* keeps errno */
	return fa;
}

FA_API fileargs_t *fileargs_cinit(cap_channel_t *cas, int argc, char *argv[], int flags,
                                  mode_t mode, cap_rights_t *rightsp, int operations)
{
	nvlist_t *limits;

	if (argc <= 0 || argv == NULL)
		return fileargs_create(NULL, 0);
	limits = create_limits(argc, argv, flags, mode, rightsp, operations);
	return limits == NULL ? NULL : fileargs_cinitnv(cas, limits);
}

FA_API fileargs_t *fileargs_init(int argc, char *argv[], int flags, mode_t mode,
                                 cap_rights_t *rightsp, int operations)
{
	nvlist_t *limits;

	if (argc <= 0 || argv == NULL)
		return fileargs_create(NULL, 0);
	limits = create_limits(argc, argv, flags, mode, rightsp, operations);
	return limits == NULL ? NULL : fileargs_initnv(limits);
}

/*
 * Limits fd to rights.  A reused number may carry a stricter rule of an
 * earlier file already; then fd gets what both allow.
 */
static int limit_fd(int fd, const cap_rights_t *rights)
{
	cap_rights_t cur;

	if (cap_rights_limit(fd, rights) == 0)
		return 0;
	if (errno != ENOTCAPABLE || cap_rights_get(fd, &cur) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(cur.cr_rights) / sizeof(cur.cr_rights[0]); i++)
		cur.cr_rights[i] &= rights->cr_rights[i];
	return cap_rights_limit(fd, &cur);
}

/* Close-on-exec as the flags say, and the rights: before the caller sees fd. */
static int finish_fd(const fileargs_t *fa, int fd)
{
	int fdflags = fcntl(fd, F_GETFD);

	if (fdflags < 0)
		return -1;
	fdflags = (fa->fa_fdflags & O_CLOEXEC) ? fdflags | FD_CLOEXEC : fdflags & ~FD_CLOEXEC;
	if (fcntl(fd, F_SETFD, fdflags) < 0)
		return -1;
	return fa->fa_hasrights ? limit_fd(fd, &fa->fa_rights) : 0;
}

static int cache_take_fd(fileargs_t *fa, const char *name)
{
	nvlist_t *entry;
	int fd;

	if (fa->fa_cache == NULL || (fa->fa_fdflags & O_CREAT) != 0 ||
	    !nvlist_exists_nvlist(fa->fa_cache, name))
		return -1;
	entry = nvlist_take_nvlist(fa->fa_cache, name);
	fd = nvlist_exists_descriptor(entry, "fd") ? nvlist_take_descriptor(entry, "fd") : -1;
	nvlist_destroy(entry);
	if (fd >= 0 && finish_fd(fa, fd) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int cache_lstat(const fileargs_t *fa, const char *name, struct stat *sb)
{
	const nvlist_t *entry;
	const void *buf;
	size_t size;

	if (fa->fa_cache == NULL || !nvlist_exists_nvlist(fa->fa_cache, name))
		return -1;
	entry = nvlist_get_nvlist(fa->fa_cache, name);
	if (!nvlist_exists_binary(entry, "stat"))
		return -1;
	buf = nvlist_get_binary(entry, "stat", &size);
	if (size != sizeof(*sb))
		return -1;
	memcpy(sb, buf, size);
	return 0;
}

/* A reply of cmd "cache" carries the next batch: it becomes the cache. */
static void keep_cache(fileargs_t *fa, nvlist_t *reply)
{
	if (nvlist_exists_string(reply, "cmd") &&
	    strcmp(nvlist_get_string(reply, "cmd"), "cache") == 0) {
		nvlist_destroy(fa->fa_cache);
		fa->fa_cache = reply;
	} else {
		nvlist_destroy(reply);
	}
}

/* The successful reply to cmd on name, or NULL with errno set. */
static nvlist_t *fetch(const fileargs_t *fa, const char *name, const char *cmd)
{
	nvlist_t *nvl = nvlist_create(NV_FLAG_NO_UNIQUE);
	int err;

	nvlist_add_string(nvl, "cmd", cmd);
	nvlist_add_string(nvl, "name", name);
	if ((nvl = cap_xfer_nvlist(fa->fa_chann, nvl)) == NULL)
		return NULL;
	if ((err = (int)nvlist_get_number(nvl, "error")) != 0) {
		nvlist_destroy(nvl);
		errno = err;
		return NULL;
	}
	return nvl;
}

/* Common checks of the three calls: 0, or -1 with errno set. */
static int usable(const fileargs_t *fa, const char *name)
{
	check(fa);
	if (name == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (fa->fa_chann == NULL) {
		errno = ENOTCAPABLE;
		return -1;
	}
	return 0;
}

static int protocol_error(nvlist_t *reply)
{
	nvlist_destroy(reply);
	errno = EPROTO;
	return -1;
}

FA_API int fileargs_open(fileargs_t *fa, const char *name)
{
	nvlist_t *reply;
	int fd, err;

	if (usable(fa, name) != 0)
		return -1;
	if ((fd = cache_take_fd(fa, name)) >= 0)
		return fd;
	if ((reply = fetch(fa, name, "open")) == NULL)
		return -1;
	if (!nvlist_exists_descriptor(reply, "fd"))
		return protocol_error(reply);
	if (nvlist_exists_binary(reply, "cap_rights")) {
		size_t size;
		const void *r = nvlist_get_binary(reply, "cap_rights", &size);

		if (size != sizeof(fa->fa_rights))
			return protocol_error(reply);
		memcpy(&fa->fa_rights, r, size);
		fa->fa_hasrights = true;
	}
	fd = nvlist_take_descriptor(reply, "fd");
	if (finish_fd(fa, fd) != 0) {
		err = errno;
		close(fd);
		nvlist_destroy(reply);
		errno = err;
		return -1;
	}
	keep_cache(fa, reply);
	return fd;
}

FA_API FILE *fileargs_fopen(fileargs_t *fa, const char *name, const char *mode)
{
	FILE *f;
	int fd, err;

	if ((fd = fileargs_open(fa, name)) < 0)
		return NULL;
	if ((f = fdopen(fd, mode)) == NULL) {
		err = errno;
		close(fd);
		errno = err;
	}
	return f;
}

FA_API int fileargs_lstat(fileargs_t *fa, const char *name, struct stat *sb)
{
	nvlist_t *reply;
	const void *buf;
	size_t size;

	check(fa);
	if (name != NULL && sb == NULL) {
		errno = EFAULT;
		return -1;
	}
	if (usable(fa, name) != 0)
		return -1;
	if (cache_lstat(fa, name, sb) == 0)
		return 0;
	if ((reply = fetch(fa, name, "lstat")) == NULL)
		return -1;
	if (!nvlist_exists_binary(reply, "stat"))
		return protocol_error(reply);
	buf = nvlist_get_binary(reply, "stat", &size);
	if (size != sizeof(*sb))
		return protocol_error(reply);
	memcpy(sb, buf, size);
	keep_cache(fa, reply);
	return 0;
}

FA_API char *fileargs_realpath(fileargs_t *fa, const char *pathname, char *reserved_path)
{
	nvlist_t *reply;
	char *ret;

	if (usable(fa, pathname) != 0)
		return NULL;
	if ((reply = fetch(fa, pathname, "realpath")) == NULL)
		return NULL;
	if (!nvlist_exists_string(reply, "realpath") ||
	    strlen(nvlist_get_string(reply, "realpath")) >= PATH_MAX) {
		protocol_error(reply);
		return NULL;
	}
	if (reserved_path != NULL) {
		strcpy(reserved_path, nvlist_get_string(reply, "realpath"));
		ret = reserved_path;
	} else {
		ret = nvlist_take_string(reply, "realpath");
	}
	nvlist_destroy(reply);
	return ret;
}

FA_API void fileargs_free(fileargs_t *fa)
{
	if (fa == NULL)
		return;
	check(fa);
	nvlist_destroy(fa->fa_cache);
	if (fa->fa_chann != NULL)
		cap_close(fa->fa_chann);
	explicit_bzero(fa, sizeof(*fa));
	free(fa);
}

FA_API fileargs_t *fileargs_wrap(cap_channel_t *chan, int fdflags)
{
	if (chan == NULL) {
		errno = EINVAL;
		return NULL;
	}
	return fileargs_create(chan, fdflags);
}

FA_API cap_channel_t *fileargs_unwrap(fileargs_t *fa, int *fdflags)
{
	cap_channel_t *chan;

	if (fa == NULL)
		return NULL;
	check(fa);
	chan = fa->fa_chann;
	if (fdflags != NULL)
		*fdflags = fa->fa_fdflags;
	nvlist_destroy(fa->fa_cache);
	explicit_bzero(fa, sizeof(*fa));
	free(fa);
	return chan;
}

/* ---- service ---- */

/* The limits as the service uses them. */
struct fa_limits {
	int flags;
	int operations;
	mode_t mode;
	bool hasrights;
	cap_rights_t rights;
};

static const char *const fa_keys[] = {"flags", "operations", "mode", "cap_rights"};
#define KEY_RIGHTS 3

/* A control entry: known, of its type, once, with a sane value. */
static int check_entry(const nvlist_t *nvl, const char *name, int type, unsigned *seen)
{
	unsigned k = 0;
	uint64_t v;

	while (k < 4 && strcmp(name, fa_keys[k]) != 0)
		k++;
	if (k == 4 || (*seen & (1u << k)) != 0 ||
	    type != (k == KEY_RIGHTS ? NV_TYPE_BINARY : NV_TYPE_NUMBER))
		return EINVAL;
	*seen |= 1u << k;
	if (k == KEY_RIGHTS) {
		cap_rights_t r;
		size_t size;
		const void *buf = nvlist_get_binary(nvl, name, &size);

		if (size != sizeof(r))
			return EINVAL;
		memcpy(&r, buf, size);
		return CAPVER(&r) == CAP_RIGHTS_VERSION_00 && cap_rights_is_valid(&r) ? 0 : EINVAL;
	}
	v = nvlist_get_number(nvl, name);
	if (k == 0)
		return v <= INT_MAX ? 0 : EINVAL;
	if (k == 1)
		return (v & ~(uint64_t)FA_ALL_OPS) == 0 ? 0 : EINVAL;
	return v <= 07777 ? 0 : EINVAL;
}

/*
 * A limits list: names are NULL entries shorter than PATH_MAX; "flags",
 * "operations", "mode" (needed with O_CREAT) numbers and "cap_rights" a
 * binary cap_rights_t, each at most once; nothing else.
 */
static int fileargs_limit(const nvlist_t *oldlimits, const nvlist_t *newlimits)
{
	const char *name;
	void *cookie = NULL;
	unsigned seen = 0;
	int type, err;

	if (oldlimits != NULL)
		return ENOTCAPABLE;
	while ((name = nvlist_next(newlimits, &type, &cookie)) != NULL) {
		if (type == NV_TYPE_NULL)
			err = strlen(name) < PATH_MAX ? 0 : EINVAL;
		else
			err = check_entry(newlimits, name, type, &seen);
		if (err != 0)
			return err;
	}
	if ((seen & 1) && (nvlist_get_number(newlimits, "flags") & O_CREAT) && !(seen & 4))
		return EINVAL;
	return 0;
}

/* The control entries of limits that fileargs_limit accepted. */
static void fa_get(const nvlist_t *limits, struct fa_limits *l)
{
	memset(l, 0, sizeof(*l));
	if (nvlist_exists_number(limits, "flags"))
		l->flags = (int)nvlist_get_number(limits, "flags");
	if (nvlist_exists_number(limits, "operations"))
		l->operations = (int)nvlist_get_number(limits, "operations");
	if (nvlist_exists_number(limits, "mode"))
		l->mode = (mode_t)nvlist_get_number(limits, "mode");
	if (nvlist_exists_binary(limits, "cap_rights")) {
		size_t size;
		const void *r = nvlist_get_binary(limits, "cap_rights", &size);

		if (size == sizeof(l->rights)) {
			memcpy(&l->rights, r, size);
			l->hasrights = true;
		}
	}
}

/*
 * The open flags, with no more access than the rights allow: without
 * CAP_WRITE no write mode (write-only is refused), without CAP_READ no
 * read mode beside a write one.
 */
static int open_flags(const struct fa_limits *l, int *flags)
{
	int acc = l->flags & O_ACCMODE;

	if (l->hasrights && !cap_rights_is_set(&l->rights, CAP_WRITE)) {
		if (acc == O_WRONLY)
			return ENOTCAPABLE;
		if (acc == O_RDWR)
			acc = O_RDONLY;
	} else if (l->hasrights && !cap_rights_is_set(&l->rights, CAP_READ) && acc == O_RDWR) {
		acc = O_WRONLY;
	}
	*flags = (l->flags & ~O_ACCMODE) | acc | O_CLOEXEC;
	return 0;
}

/* A descriptor for name, or -errno. */
static int open_file(const struct fa_limits *l, const char *name)
{
	int flags, fd, err;

	if ((err = open_flags(l, &flags)) != 0)
		return -err;
	fd = (flags & O_CREAT) ? open(name, flags, l->mode) : open(name, flags);
	if (fd < 0)
		return -errno;
	/*
	 * With rights, the descriptor is limited by the client library only;
	 * a directory's open mode bounds nothing beneath it, so none leaves.
	 */
	if (l->hasrights) {
		struct stat st;

		if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
			close(fd);
			return -ENOTCAPABLE;
		}
	}
	return fd;
}

/*
 * Where the next batch starts: an index into the limits it was made for
 * (a clone has a copy of its own); the name there, copied, asks for it.
 */
static struct {
	const nvlist_t *owner;
	size_t next;
	bool done;
	char *lastname;
} cache;

static void cache_sync(const nvlist_t *limits)
{
	if (cache.owner == limits)
		return;
	free(cache.lastname);
	cache.owner = limits;
	cache.next = 0;
	cache.done = false;
	cache.lastname = NULL;
}

static bool cache_wanted(const nvlist_t *limits, const char *name)
{
	cache_sync(limits);
	return !cache.done && (cache.lastname == NULL || strcmp(cache.lastname, name) == 0);
}

/* The cache entry for fname: an open descriptor and/or its lstat, or NULL. */
static nvlist_t *cache_entry(const struct fa_limits *l, const char *fname)
{
	nvlist_t *entry = nvlist_create(NV_FLAG_NO_UNIQUE);
	struct stat sb;
	int fd;

	if ((l->operations & FA_OPEN) && !l->hasrights) {
		if ((fd = open_file(l, fname)) < 0) {
			nvlist_destroy(entry);
			return NULL;
		}
		nvlist_move_descriptor(entry, "fd", fd);
	}
	if (l->operations & FA_LSTAT) {
		if (lstat(fname, &sb) != 0) {
			nvlist_destroy(entry);
			return NULL;
		}
		nvlist_add_binary(entry, "stat", &sb, sizeof(sb));
	}
	return entry;
}

/* Adds to nvlout the CACHE_SIZE names after the last batch, current skipped. */
static void cache_add(nvlist_t *nvlout, const nvlist_t *limits, const struct fa_limits *l,
                      const char *current)
{
	const char *fname;
	void *cookie = NULL;
	size_t index = 0, shipped = 0;
	int type;

	if ((l->flags & O_CREAT) ||
	    !((l->operations & FA_LSTAT) || ((l->operations & FA_OPEN) && !l->hasrights))) {
		cache.done = true;
		return;
	}
	while ((fname = nvlist_next(limits, &type, &cookie)) != NULL) {
		nvlist_t *entry;

		if (index++ < cache.next || type != NV_TYPE_NULL)
			continue;
		if (current != NULL && strcmp(fname, current) == 0) {
			current = NULL;
			continue;
		}
		if (shipped == CACHE_SIZE) {
			free(cache.lastname);
			cache.lastname = strdup(fname);
			cache.next = index - 1;
			cache.done = cache.lastname == NULL;
			return;
		}
		if ((entry = cache_entry(l, fname)) != NULL) {
			nvlist_move_nvlist(nvlout, fname, entry);
			shipped++;
		}
	}
	cache.done = true;
}

/* The reply's "cmd": "cache" with the next batch, or the command's own name. */
static void reply_kind(nvlist_t *nvlout, const nvlist_t *limits, const struct fa_limits *l,
                       const char *name, const char *cmd)
{
	if (cache_wanted(limits, name)) {
		nvlist_add_string(nvlout, "cmd", "cache");
		cache_add(nvlout, limits, l, name);
	} else {
		nvlist_add_string(nvlout, "cmd", cmd);
	}
}

static int fa_open(const nvlist_t *limits, const struct fa_limits *l, const char *name,
                   nvlist_t *nvlout)
{
	int fd = open_file(l, name);

	if (fd < 0)
		return -fd;
	reply_kind(nvlout, limits, l, name, "open");
	nvlist_move_descriptor(nvlout, "fd", fd);
	if (l->hasrights)
		nvlist_add_binary(nvlout, "cap_rights", &l->rights, sizeof(l->rights));
	return 0;
}

static int fa_lstat(const nvlist_t *limits, const struct fa_limits *l, const char *name,
                    nvlist_t *nvlout)
{
	struct stat sb;

	if (lstat(name, &sb) != 0)
		return errno;
	reply_kind(nvlout, limits, l, name, "lstat");
	nvlist_add_binary(nvlout, "stat", &sb, sizeof(sb));
	return 0;
}

static int fa_realpath(const char *name, nvlist_t *nvlout)
{
	char *path = realpath(name, NULL);

	if (path == NULL)
		return errno;
	nvlist_move_string(nvlout, "realpath", path);
	return 0;
}

static int fileargs_command(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin,
                            nvlist_t *nvlout)
{
	struct fa_limits l;
	const char *name;
	int op;

	if (strcmp(cmd, "open") == 0)
		op = FA_OPEN;
	else if (strcmp(cmd, "lstat") == 0)
		op = FA_LSTAT;
	else if (strcmp(cmd, "realpath") == 0)
		op = FA_REALPATH;
	else
		return EINVAL;
	if (limits == NULL)
		return ENOTCAPABLE;
	fa_get(limits, &l);
	if ((l.operations & op) == 0 || !nvlist_exists_string(nvlin, "name"))
		return ENOTCAPABLE;
	name = nvlist_get_string(nvlin, "name");
	if (!nvlist_exists_null(limits, name))
		return ENOTCAPABLE;
	if (op == FA_OPEN)
		return fa_open(limits, &l, name, nvlout);
	if (op == FA_LSTAT)
		return fa_lstat(limits, &l, name, nvlout);
	return fa_realpath(name, nvlout);
}

/* The directory name would be created in, if there is one to reach. */
static char *parent_of(const char *name)
{
	const char *slash = strrchr(name, '/');
	char *dir = slash == NULL   ? strdup(".")
	            : slash == name ? strdup("/")
	                            : strndup(name, (size_t)(slash - name));
	struct stat sb;

	if (dir != NULL && stat(dir, &sb) != 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* What opening the listed files needs. */
static int open_access(const struct fa_limits *l)
{
	int flags, a = 0;

	if (!(l->operations & FA_OPEN) || open_flags(l, &flags) != 0)
		return 0;
	if ((flags & O_ACCMODE) != O_WRONLY)
		a |= CASPER_PATH_READ;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		a |= CASPER_PATH_WRITE;
	return a;
}

static int confined(int err)
{
	return err == ENOSYS ? 0 : err;
}

/*
 * Before the limits: everything a later list may name, to read, write and
 * create files (a Landlock layer only narrows); no execution, no other
 * changes to directories, no TCP.  After: the listed files that can be
 * reached now, and for O_CREAT names that do not exist yet their
 * directories, to make files in.
 */
static int fileargs_confine(const nvlist_t *limits)
{
	static const char *const root[] = {"/"};
	static const int all[] = {CASPER_PATH_READ | CASPER_PATH_WRITE | CASPER_PATH_CREATE};
	struct fa_limits l;
	const char *name, **paths;
	char **dirs;
	int *access, type, err = 0, base;
	void *cookie = NULL;
	size_t n = 0, nd = 0, count = 0;
	struct stat sb;

	if (limits == NULL)
		return confined(casper_confine_paths(root, all, 1, 0));
	fa_get(limits, &l);
	base = open_access(&l);
	while (nvlist_next(limits, &type, &cookie) != NULL)
		count++;
	paths = calloc(count + 1, sizeof(*paths));
	access = calloc(count + 1, sizeof(*access));
	dirs = calloc(count + 1, sizeof(*dirs));
	if (paths == NULL || access == NULL || dirs == NULL)
		err = ENOMEM;
	for (cookie = NULL; err == 0 && (name = nvlist_next(limits, &type, &cookie)) != NULL;) {
		if (type != NV_TYPE_NULL || base == 0)
			continue;
		if (stat(name, &sb) == 0) {
			paths[n] = name;
			access[n++] = base;
		} else if (errno == ENOENT && (l.flags & O_CREAT) &&
		           (dirs[nd] = parent_of(name)) != NULL) {
			paths[n] = dirs[nd++];
			access[n++] = base | CASPER_PATH_CREATE;
		}
	}
	if (err == 0)
		err = confined(casper_confine_paths(paths, access, n, 0));
	while (nd > 0)
		free(dirs[--nd]);
	free(dirs);
	free(paths);
	free(access);
	return err;
}

CREATE_SERVICE_CONFINED("system.fileargs", fileargs_limit, fileargs_command, fileargs_confine,
                        CASPER_SERVICE_NO_UNIQ_LIMITS)
