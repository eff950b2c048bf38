/*
 * io_uring rings that exist before the first limit.
 *
 * A ring with a kernel polling thread (IORING_SETUP_SQPOLL) executes
 * requests written to shared memory with no system call at all, so no
 * filter ever sees them: such a ring would read a descriptor whatever its
 * rights.  Once a filter is in place no ring can be made (base.c), so the
 * danger is a ring opened earlier.  Limiting fails with EBUSY while one is
 * open in the process (DEVIATIONS.md).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <sys/capsicum.h>

#include "uring.h"

#define IORING_REGISTER_PROBE 8
#define SCAN_MAX              65536 /* descriptors tried when /proc is not mounted */

/*
 * errno of a harmless registration on fd: EOPNOTSUPP for a descriptor that
 * is not a ring, EBADF for a closed one; a ring reads the NULL probe
 * buffer and answers EFAULT.
 */
static int probe(int fd)
{
	if (syscall(SYS_io_uring_register, fd, IORING_REGISTER_PROBE, NULL, 0) == 0)
		return 0;
	return errno;
}

static bool is_ring(int fd)
{
	int e = probe(fd);

	return e != EOPNOTSUPP && e != EBADF;
}

int uring_check(void)
{
	struct rlimit rl;
	struct dirent *de;
	DIR *d;
	int r = 0, max;

	/*
	 * A closed number answers EBADF when the call is there to ask.
	 * ENOSYS: no io_uring in this kernel.  ENOTCAPABLE: our own filter, so
	 * the first limit checked and no ring was made since.  Anything else
	 * is a foreign filter hiding the call; it is assumed to hide ring
	 * creation too (DEVIATIONS.md).
	 */
	if (probe(INT_MAX) != EBADF)
		return 0;
	if ((d = opendir("/proc/self/fd")) != NULL) {
		while (r == 0 && (de = readdir(d)) != NULL) {
			char *end;
			long fd = strtol(de->d_name, &end, 10);

			if (*end == '\0' && end != de->d_name && fd != dirfd(d) && is_ring((int)fd))
				r = -EBUSY;
		}
		closedir(d);
		return r;
	}
	max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < SCAN_MAX ? (int)rl.rlim_cur
	                                                                   : SCAN_MAX;
	for (int fd = 0; fd < max; fd++)
		if (is_ring(fd))
			return -EBUSY;
	return 0;
}
