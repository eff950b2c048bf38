/* The Landlock fence of capability mode (landlock.c). */
#ifndef CAPSICUM_CAPMODE_LANDLOCK_H
#define CAPSICUM_CAPMODE_LANDLOCK_H

#include "../internal.h"

/* The kernel's Landlock ABI version, 0 without Landlock. */
CAPSICUM_HIDDEN int landlock_abi(void);

/*
 * Fence the calling thread (and what it creates from now on) with every
 * restriction the kernel's ABI offers and no exception: 0 or -errno.
 * Requires no_new_privs.
 */
CAPSICUM_HIDDEN int landlock_fence(void);

#endif
