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
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
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

/*
 * An SQPOLL ring's kernel thread ("iou-sqp-<pid>") is a thread of this
 * process: it finds rings whatever became of their descriptors (a ring
 * registered with IORING_REGISTER_RING_FDS lives on after close).  -EBUSY
 * if one runs, 0 if none, 1 if /proc cannot tell.
 */
static int sqpoll_thread(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	int r = 0;

	if (d == NULL)
		return 1;
	while (r == 0 && (de = readdir(d)) != NULL) {
		char path[64], comm[32] = {0};
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.20s/comm", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue; /* the thread exited */
		if (read(fd, comm, sizeof(comm) - 1) > 0 && strncmp(comm, "iou-sqp", 7) == 0)
			r = -EBUSY;
		close(fd);
	}
	closedir(d);
	return r;
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
	if ((r = sqpoll_thread()) < 0)
		return r;
	r = 0;
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
	/* Descriptors above a lowered soft limit stay open: scan to the hard one. */
	max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max < SCAN_MAX ? (int)rl.rlim_max
	                                                                   : SCAN_MAX;
	for (int fd = 0; fd < max; fd++)
		if (is_ring(fd))
			return -EBUSY;
	return 0;
}
