/*
 * One lock for every change to the process's confinement: limits,
 * cap_enter() and starting the supervisor.  Recursive, because starting the
 * supervisor forks while holding it and fork() runs the handlers below;
 * held across fork() so that a child never inherits it mid-change.
 */
#ifndef CAPSICUM_LOCK_H
#define CAPSICUM_LOCK_H

#include "internal.h"

CAPSICUM_HIDDEN void capsicum_lock(void);
CAPSICUM_HIDDEN void capsicum_unlock(void);

/* In a child made by clone() while the lock was held: a fresh, free lock. */
CAPSICUM_HIDDEN void capsicum_lock_reset(void);

#endif
