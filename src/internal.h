/*
 * Declarations shared by the library's modules.  Nothing here is exported:
 * the public surface is the headers under include/.
 */
#ifndef CAPSICUM_INTERNAL_H
#define CAPSICUM_INTERNAL_H

#include <stdio.h>
#include <stdlib.h>

#define CAPSICUM_HIDDEN __attribute__((visibility("hidden")))

/*
 * An invariant the caller broke (FreeBSD asserts these).  Always on: a
 * mangled rights set must never turn into a weaker limit.
 */
#define CAPSICUM_CHECK(cond)                                                                       \
	do {                                                                                       \
		if (!(cond))                                                                       \
			capsicum_abort(__FILE__, __LINE__, #cond);                                 \
	} while (0)

CAPSICUM_HIDDEN _Noreturn void capsicum_abort(const char *file, int line, const char *what);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Whether the descriptors listed in fd_dir (a /proc/.../fd directory)
 * include one for a /proc/PID/mem file: 1, 0, or -errno (procmem.c).
 */
CAPSICUM_HIDDEN int holds_proc_mem(const char *fd_dir);

#endif
