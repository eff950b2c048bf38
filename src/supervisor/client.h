/*
 * The library's side of the supervisor: starting it at the first need,
 * and the control requests.  All of it runs under capsicum_lock().
 */
#ifndef CAPSICUM_SUPERVISOR_CLIENT_H
#define CAPSICUM_SUPERVISOR_CLIENT_H

#include <stdbool.h>

#include <sys/capsicum.h>

#include "../internal.h"
#include "../rights/state.h"

/*
 * Make sure the process's filter chain carries our listener and a
 * supervisor serves it, starting one if the chain has no listener yet.
 * Must run before the process's first filter of its own: after it, the
 * rights filters refuse new listeners.  true when supervised; false means
 * the kernel-only configuration, for good (no descriptors or processes to
 * spare, a foreign listener, a supervisor that died).
 *
 * mode (ctl.h), when this starts the supervisor: SUP_LEAN's listener routes
 * no calls on slow-range numbers, which keeps the kernel's action cache
 * for read, write and the like, and the supervisor makes no restricted
 * copies (slow.h).  cap_enter() asks for it: a process that entered
 * capability mode before limiting anything rarely copies a limited
 * descriptor.  SUP_PATHS is capsicum(1)'s (paths.h).
 */
CAPSICUM_HIDDEN bool sup_ensure(char mode);

/* Whether sup_ensure() found or made a supervisor (no request). */
CAPSICUM_HIDDEN bool sup_active(void);

/* That supervisor's mode (SUP_FULL if none). */
CAPSICUM_HIDDEN char sup_mode(void);

/*
 * Tell the supervisor that fd is limited to st.  true when the supervisor
 * holds the file's state and judges lookups beneath it and its copies;
 * false when the rights filter must refuse both on the number itself.
 */
CAPSICUM_HIDDEN bool sup_limit(int fd, const struct fd_state *st);

/*
 * In a child made without fork() (pdfork's clone): what the fork handler
 * does, letting the supervisor meet the child at once.
 */
CAPSICUM_HIDDEN void sup_child(void);

/*
 * capsicum(1)'s path table, in a SUP_PATHS supervisor (paths.h): names
 * beneath the absolute prefix resolve beneath descriptor fd; relative
 * names beneath dir; refusals (and records) written to descriptor fd
 * (PATH_LOG_* flags).  0, or -1 with errno.
 */
CAPSICUM_HIDDEN int sup_path_add(int fd, const char *prefix);
CAPSICUM_HIDDEN int sup_path_cwd(const char *dir);
CAPSICUM_HIDDEN int sup_path_log(int fd, unsigned flags);

/* A copy of fd limited to st on a slow number (CTL_PLACE): the number, or -1 with errno. */
CAPSICUM_HIDDEN int sup_place(int fd, const struct fd_state *st);

/* Ask the supervisor, now or when it starts, to trap refusals or not (CTL_TRAP). */
CAPSICUM_HIDDEN void sup_trap(bool on);

/* The supervisor's entry point, in the forked process; never returns. */
CAPSICUM_HIDDEN _Noreturn void supervisor_main(int sock, pid_t program);

#endif
