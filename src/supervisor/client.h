/*
 * The library's side of the supervisor: starting it at the first need,
 * and the control requests.  All of it runs under capsicum_lock().
 */
#ifndef CAPSICUM_SUPERVISOR_CLIENT_H
#define CAPSICUM_SUPERVISOR_CLIENT_H

#include <stdbool.h>

#include <sys/capsicum.h>

#include "../internal.h"

/*
 * Make sure the process's filter chain carries our listener and a
 * supervisor serves it, starting one if the chain has no listener yet.
 * Must run before the process's first filter of its own: after it, the
 * rights filters refuse new listeners.  true when supervised; false means
 * the kernel-only configuration, for good (no descriptors or processes to
 * spare, a foreign listener, a supervisor that died).
 */
CAPSICUM_HIDDEN bool sup_ensure(void);

/* Whether sup_ensure() found or made a supervisor (no request). */
CAPSICUM_HIDDEN bool sup_active(void);

/*
 * Tell the supervisor that fd's file is limited to `rights`, and whether
 * its ioctl list or fcntl mask is limited too.  true when the supervisor
 * holds it as a directory whose lookups it judges; false when the rights
 * filter must keep refusing lookups on the number itself.
 */
CAPSICUM_HIDDEN bool sup_limit(int fd, const cap_rights_t *rights, bool restricted_more);

/* The supervisor's entry point, in the forked process; never returns. */
CAPSICUM_HIDDEN _Noreturn void supervisor_main(int sock);

#endif
