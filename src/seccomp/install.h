#ifndef CAPSICUM_SECCOMP_INSTALL_H
#define CAPSICUM_SECCOMP_INSTALL_H

#include "../bpf/asm.h"

/*
 * Stack the assembled filter on every thread of the process (TSYNC), after
 * setting no_new_privs.  0, or -errno: ENOSYS without seccomp filters,
 * ENOMEM past the kernel's instruction budget, EBUSY if another thread runs
 * a filter chain this one does not descend from.  Nothing is installed on
 * failure: TSYNC is all or nothing.
 */
CAPSICUM_HIDDEN int seccomp_install(const struct bpf_asm *a);

/*
 * The same for the filter that carries the process's one seccomp listener:
 * its descriptor (close-on-exec), or -errno; EBUSY when the chain already
 * has a listener, ESRCH when a thread could not be synchronised.
 */
CAPSICUM_HIDDEN int seccomp_install_listener(const struct bpf_asm *a);

/*
 * Before any filter: make sure no other process shares this one's
 * descriptor table (table.c).  0, or -EBUSY if one does (a multithreaded
 * process cannot unshare it for all its threads), or -errno.
 */
CAPSICUM_HIDDEN int seccomp_private_table(void);

#endif
