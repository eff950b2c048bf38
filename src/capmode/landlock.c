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
 * process holds is a capability-mode operation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "../arch/arch.h"
#include "landlock.h"

struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define CREATE_RULESET_VERSION (1u << 0)

/* LANDLOCK_ACCESS_FS_*: bit 0 is EXECUTE; 1..12 ABI 1, 13 REFER (2), 14 TRUNCATE (3), 15 IOCTL_DEV
 * (5) */
#define FS_ABI1      0x1ffeull
#define FS_REFER     (1ull << 13)
#define FS_TRUNCATE  (1ull << 14)
#define FS_IOCTL_DEV (1ull << 15)
#define NET_TCP      0x3ull /* BIND_TCP, CONNECT_TCP (ABI 4) */
#define SCOPE_ALL    0x3ull /* ABSTRACT_UNIX_SOCKET, SIGNAL (ABI 6) */

int landlock_abi(void)
{
	long abi = syscall(NR_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

int landlock_fence(void)
{
	struct ruleset_attr attr = {0};
	size_t size = sizeof(attr);
	int abi = landlock_abi(), fd;
	long r;

	if (abi < 1)
		return -EOPNOTSUPP;
	attr.handled_access_fs = FS_ABI1;
	if (abi >= 2)
		attr.handled_access_fs |= FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= FS_IOCTL_DEV;
	if (abi >= 4)
		attr.handled_access_net = NET_TCP;
	if (abi >= 6)
		attr.scoped = SCOPE_ALL;
	/* Older kernels take the shorter structure. */
	if (abi < 4)
		size = sizeof(uint64_t);
	else if (abi < 6)
		size = 2 * sizeof(uint64_t);
	fd = (int)syscall(NR_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0)
		return -errno;
	r = syscall(NR_landlock_restrict_self, fd, 0);
	r = r == 0 ? 0 : -errno;
	close(fd);
	return (int)r;
}
