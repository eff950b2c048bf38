/*
 * casper_confine_paths(): a service narrows its own process with
 * Landlock to the paths it needs (FreeBSD's services run unconfined; a
 * Linux service process is a fork of the program and could otherwise
 * reach everything the program's user can).  Each call stacks a layer,
 * so a later call only narrows.  What is handled is everything the
 * kernel's Landlock knows: all file system accesses, TCP bind and connect
 * unless the service needs the network (ABI 4), signals and abstract
 * unix sockets beyond the service (ABI 6).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "casper_impl.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule       445
#define SYS_landlock_restrict_self  446
#endif

struct ll_ruleset {
	uint64_t fs;
	uint64_t net;
	uint64_t scoped;
};

struct ll_path {
	uint64_t allowed;
	int32_t parent_fd;
} __attribute__((packed));

#define LL_VERSION   1u
#define LL_RULE_PATH 1

/* LANDLOCK_ACCESS_FS_* bits. */
#define FS_EXECUTE    (1ull << 0)
#define FS_WRITE_FILE (1ull << 1)
#define FS_READ_FILE  (1ull << 2)
#define FS_READ_DIR   (1ull << 3)
#define FS_MAKE_REG   (1ull << 8)
#define FS_ABI1       0x1fffull /* EXECUTE .. MAKE_SYM */
#define FS_REFER      (1ull << 13)
#define FS_TRUNCATE   (1ull << 14)
#define FS_IOCTL_DEV  (1ull << 15)
#define FS_FILE_ONLY  (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV)
#define NET_TCP       0x3ull /* BIND_TCP, CONNECT_TCP */
#define SCOPE_ALL     0x3ull /* ABSTRACT_UNIX_SOCKET, SIGNAL */

static struct ll_ruleset handled(int abi, int net)
{
	struct ll_ruleset rs = {FS_ABI1, 0, 0};

	if (abi >= 2)
		rs.fs |= FS_REFER;
	if (abi >= 3)
		rs.fs |= FS_TRUNCATE;
	if (abi >= 5)
		rs.fs |= FS_IOCTL_DEV;
	if (abi >= 4 && !net)
		rs.net = NET_TCP;
	if (abi >= 6)
		rs.scoped = SCOPE_ALL;
	return rs;
}

/* What a CASPER_PATH_* mask grants, within what the ruleset handles. */
static uint64_t granted(int access, uint64_t fs)
{
	uint64_t a = 0;

	if (access & CASPER_PATH_READ)
		a |= FS_READ_FILE | FS_READ_DIR;
	if (access & CASPER_PATH_WRITE)
		a |= FS_WRITE_FILE | FS_TRUNCATE;
	if (access & CASPER_PATH_EXEC)
		a |= FS_EXECUTE;
#ifdef CASPER_PATH_CREATE
	if (access & CASPER_PATH_CREATE)
		a |= FS_MAKE_REG;
#endif
	return a & fs;
}

static int add_path(int rs, const char *path, int access, uint64_t fs)
{
	struct ll_path rule = {0, -1};
	struct stat st;
	int err = 0;

	/* A path the service cannot reach is not granted: narrower, never wider. */
	if ((rule.parent_fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return 0;
	rule.allowed = granted(access, fs);
	if (fstat(rule.parent_fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rule.allowed &= FS_FILE_ONLY;
	if (rule.allowed != 0 && syscall(SYS_landlock_add_rule, rs, LL_RULE_PATH, &rule, 0) != 0)
		err = errno;
	close(rule.parent_fd);
	return err;
}

CASPER_API int casper_confine_paths(const char *const *paths, const int *access, size_t npaths,
                                    int net)
{
	struct ll_ruleset rs;
	int abi, fd, err = 0;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LL_VERSION);
	if (abi < 0)
		return ENOSYS;
	rs = handled(abi, net);
	fd = (int)syscall(SYS_landlock_create_ruleset, &rs,
	                  abi >= 6   ? sizeof(rs)
	                  : abi >= 4 ? 2 * sizeof(uint64_t)
	                             : sizeof(uint64_t),
	                  0);
	if (fd < 0)
		return errno;
	for (size_t i = 0; i < npaths && err == 0; i++)
		err = add_path(fd, paths[i], access[i], rs.fs);
	if (err == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		err = errno;
	if (err == 0 && syscall(SYS_landlock_restrict_self, fd, 0) != 0)
		err = errno;
	close(fd);
	return err;
}
