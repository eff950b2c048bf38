/*
 * The slow range (architecture brief 4): descriptor numbers the listener
 * filter sends to the supervisor for every call that names them in a
 * register.  Descriptors that get restricted rights after the filters were
 * made -- a copy of a limited descriptor, a file opened beneath a limited
 * directory -- have no rule of their number in the kernel; the supervisor
 * places them here and judges each call on them with the filter the
 * library would have installed (rights_judge), letting allowed calls
 * continue in the kernel.
 *
 * The supervisor keeps, per process, the state of every slow number it
 * placed, and places a file on a number that held one before only if the
 * new file's state allows everything the old one's did: a call judged on
 * what the number held may still be on its way to the kernel, and must be
 * allowed on whatever it meets there.  Only the kernel's own
 * choice of the lowest free number could put a file there (F_DUPFD with a
 * bound just below the range, or SLOW_LO open descriptors), and it gives
 * an unrestricted one; the supervisor skips numbers so taken.  A slow number
 * the supervisor knows nothing of (inherited from a parent that is gone)
 * allows nothing but close.
 *
 * A child inherits its parent's slow descriptors: the first time the
 * supervisor meets a process it copies the parent's states for the
 * numbers that still hold the same file (kcmp).  The library's fork
 * handler makes that first meeting happen at once (CTL_FORKED), before the
 * parent changes its table or its states.  A new program image is the
 * same process.
 */
#ifndef CAPSICUM_SUPERVISOR_SLOW_H
#define CAPSICUM_SUPERVISOR_SLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "../internal.h"
#include "../rights/state.h"
#include "records.h"
#include "target.h"

/*
 * High enough that the kernel's lowest-free choice practically never gets
 * there, low enough for the hard RLIMIT_NOFILE of most systems: the soft
 * limit is raised to SLOW_HI where the hard limit allows, and restricted
 * copies fail with EMFILE where it does not.
 */
#define SLOW_LO 8192
#define SLOW_HI 12288

static inline bool slow_number(uint64_t arg)
{
	uint32_t n = (uint32_t)arg;

	return n >= SLOW_LO && n < SLOW_HI;
}

/*
 * The state of the caller's descriptor number fd, whose file the
 * supervisor holds a copy of (copy): the slow map's entry for a slow
 * number, the records otherwise.  0, or -ENOTCAPABLE when it cannot be
 * known.
 */
CAPSICUM_HIDDEN int slow_state(struct target *t, int fd, int copy, struct record *out);

/*
 * Give the caller file (the supervisor's descriptor, kept by the caller)
 * on a slow number in state st, and answer its call with that number.
 * want >= 0 asks for exactly that number, which must be free and able to
 * take st; otherwise the first such number at or above min.  0 (answered) or -errno (not answered;
 * dup2's and F_DUPFD's errors for numbers beyond the caller's RLIMIT_NOFILE).
 */
CAPSICUM_HIDDEN int slow_place(struct target *t, int file, const struct fd_state *st, int want,
                               int min, bool cloexec);

/*
 * Whether the listener routes the slow range (SUP_FULL).  Without it, no
 * restricted descriptor may be placed there: calls on it would not be
 * judged.  Slow numbers then hold only unrestricted files, and are
 * judged by the records like any other number.
 */
CAPSICUM_HIDDEN void slow_enable(bool routed);
CAPSICUM_HIDDEN bool slow_enabled(void);

/* Meet the caller now, taking its parent's states (CTL_FORKED). */
CAPSICUM_HIDDEN void slow_meet(struct target *t);

/* Narrow the state of the caller's slow number fd (a limit on it): 0 or -errno. */
CAPSICUM_HIDDEN int slow_limit(struct target *t, int fd, const struct fd_state *st);

#endif
