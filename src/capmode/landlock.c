/*
 * Landlock as an outer fence around capability mode (architecture brief 2).
 *
 * The seccomp filters are the mechanism and complete on their own; this
 * only adds a second, independent wall for the calling thread and what it
 * creates afterwards, where the kernel has Landlock: no access to the file
 * system by path, no TCP bind or connect (ABI 4), no signals and no
 * abstract unix sockets beyond the domain (ABI 6).  Landlock before ABI 8
 * restricts one thread, and a thread may hold 16 layers; where it is
 * missing or refuses, capability mode goes on without it.
 *
 * Executing is left out of the fence: fexecve(2) of a descriptor the
 * process holds is a capability-mode operation.  But exec opens its file
 * again, by path, for reading: each regular file the process holds with
 * CAP_FEXECVE, and each directory it holds with CAP_LOOKUP and
 * CAP_FEXECVE (whose files opened later inherit that right), gets a rule
 * allowing READ_FILE beneath it, and so does the system's dynamic loader,
 * which the kernel opens by path for a dynamically linked program.
 * Everything else stays fenced.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "../landlock_uapi.h"
#include "../rights/state.h"
#include "landlock.h"

/* Executing is left out of the fence (above). */
#define FS_ABI1 (LL_FS_ABI1 & ~LL_FS_EXECUTE)

/* Whether fd may be the source of an exec: its own right, or a directory's for its files. */
static bool executable(int fd, const struct stat *sb)
{
	if (!state_fd_has(fd, CAP_FEXECVE))
		return false;
	return S_ISREG(sb->st_mode) || (S_ISDIR(sb->st_mode) && state_fd_has(fd, CAP_LOOKUP));
}

/*
 * The dynamic loaders the kernel may open by path for a program executed
 * from a descriptor (its PT_INTERP).  Reading them gives nothing away.
 */
static const char *const loaders[] = {CAPSICUM_LOADERS};

static void allow_loaders(int ruleset)
{
	for (size_t i = 0; i < ARRAY_SIZE(loaders); i++) {
		struct ll_path_beneath pb = {LL_FS_READ_FILE, open(loaders[i], O_PATH | O_CLOEXEC)};

		if (pb.parent_fd >= 0) {
			(void)syscall(NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0);
			close(pb.parent_fd);
		}
	}
}

/* READ_FILE beneath every directory and on every file exec may start from. */
static void allow_exec_sources(int ruleset)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	allow_loaders(ruleset);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct ll_path_beneath pb = {LL_FS_READ_FILE, -1};
		struct stat sb;
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (*end != '\0' || end == e->d_name || fd == dirfd(d) || fd == ruleset)
			continue;
		/* the right first: fstat on a slow number is a round trip too */
		if (!state_fd_has((int)fd, CAP_FEXECVE) || state_would_trap((int)fd, CAP_FSTAT) ||
		    syscall(SYS_fstat, (int)fd, &sb) != 0 || !executable((int)fd, &sb))
			continue;
		pb.parent_fd = (int32_t)fd;
		(void)syscall(NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0);
	}
	closedir(d);
}

int landlock_abi(void)
{
	long abi = syscall(NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

int landlock_prepare(void)
{
	struct ll_ruleset_attr attr = {0};
	size_t size = sizeof(attr);
	int abi = landlock_abi(), fd;

	if (abi < 1)
		return -EOPNOTSUPP;
	attr.handled_access_fs = FS_ABI1;
	if (abi >= 2)
		attr.handled_access_fs |= LL_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LL_FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= LL_FS_IOCTL_DEV;
	if (abi >= 4)
		attr.handled_access_net = LL_NET_TCP;
	if (abi >= 6)
		attr.scoped = LL_SCOPE_ALL;
	/* Older kernels take the shorter structure. */
	if (abi < 4)
		size = sizeof(uint64_t);
	else if (abi < 6)
		size = 2 * sizeof(uint64_t);
	fd = (int)syscall(NR_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0)
		return -errno;
	allow_exec_sources(fd);
	return fd;
}

int landlock_enforce(int ruleset)
{
	long r = syscall(NR_landlock_restrict_self, ruleset, 0);

	r = r == 0 ? 0 : -errno;
	close(ruleset);
	return (int)r;
}

int landlock_fence(void)
{
	int fd = landlock_prepare();

	return fd < 0 ? fd : landlock_enforce(fd);
}
