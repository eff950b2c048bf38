/* The Landlock fence of capability mode (landlock.c). */
#ifndef CAPSICUM_CAPMODE_LANDLOCK_H
#define CAPSICUM_CAPMODE_LANDLOCK_H

#include "../internal.h"

/* The kernel's Landlock ABI version, 0 without Landlock. */
CAPSICUM_HIDDEN int landlock_abi(void);

/*
 * The fence: every restriction the kernel's ABI offers, with the
 * exceptions exec needs for descriptors already held (landlock.c).  Made
 * before capability mode, which forbids reading /proc/self/fd: the
 * ruleset's descriptor, or -errno.
 */
CAPSICUM_HIDDEN int landlock_prepare(void);

/*
 * Fence the calling thread (and what it creates from now on) with the
 * ruleset, and close it: 0 or -errno.  Requires no_new_privs.
 */
CAPSICUM_HIDDEN int landlock_enforce(int ruleset);

/* Both at once: 0 or -errno. */
CAPSICUM_HIDDEN int landlock_fence(void);

#endif
