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
#include "landlock_uapi.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule       445
#define SYS_landlock_restrict_self  446
#endif

/* The bits that may be granted on a file that is not a directory. */
#define FS_FILE_ONLY                                                                               \
	(LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

static struct ll_ruleset_attr handled(int abi, int net)
{
	struct ll_ruleset_attr rs = {LL_FS_ABI1, 0, 0};

	if (abi >= 2)
		rs.handled_access_fs |= LL_FS_REFER;
	if (abi >= 3)
		rs.handled_access_fs |= LL_FS_TRUNCATE;
	if (abi >= 5)
		rs.handled_access_fs |= LL_FS_IOCTL_DEV;
	if (abi >= 4 && !net)
		rs.handled_access_net = LL_NET_TCP;
	if (abi >= 6)
		rs.scoped = LL_SCOPE_ALL;
	return rs;
}

/* What a CASPER_PATH_* mask grants, within what the ruleset handles. */
static uint64_t granted(int access, uint64_t fs)
{
	uint64_t a = 0;

	if (access & CASPER_PATH_READ)
		a |= LL_FS_READ_FILE | LL_FS_READ_DIR;
	if (access & CASPER_PATH_WRITE)
		a |= LL_FS_WRITE_FILE | LL_FS_TRUNCATE;
	if (access & CASPER_PATH_EXEC)
		a |= LL_FS_EXECUTE;
#ifdef CASPER_PATH_CREATE
	if (access & CASPER_PATH_CREATE)
		a |= LL_FS_MAKE_REG;
#endif
	return a & fs;
}

static int add_path(int rs, const char *path, int access, uint64_t fs)
{
	struct ll_path_beneath rule = {0, -1};
	struct stat st;
	int err = 0;

	/* A path the service cannot reach is not granted: narrower, never wider. */
	if ((rule.parent_fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return 0;
	rule.allowed_access = granted(access, fs);
	if (fstat(rule.parent_fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rule.allowed_access &= FS_FILE_ONLY;
	if (rule.allowed_access != 0 &&
	    syscall(SYS_landlock_add_rule, rs, LL_RULE_PATH_BENEATH, &rule, 0) != 0)
		err = errno;
	close(rule.parent_fd);
	return err;
}

CASPER_API int casper_confine_paths(const char *const *paths, const int *access, size_t npaths,
                                    int net)
{
	struct ll_ruleset_attr rs;
	int abi, fd, err = 0;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
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
		err = add_path(fd, paths[i], access[i], rs.handled_access_fs);
	if (err == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		err = errno;
	if (err == 0 && syscall(SYS_landlock_restrict_self, fd, 0) != 0)
		err = errno;
	close(fd);
	return err;
}
