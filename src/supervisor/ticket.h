/*
 * Restricted descriptors in flight (SCM_RIGHTS).
 *
 * A descriptor with restricted rights cannot travel as itself: the
 * receiver's kernel would put it on a number without a rule, with every
 * right.  The supervisor sends a ticket in its place -- one end of a unix
 * socket pair that carries nothing, useless by itself -- and keeps the
 * file and its state under the ticket.  The receiving library trades the
 * ticket for the file (CTL_REDEEM), which the supervisor places on a slow
 * number with its state.  A receiver that does not ask, or another
 * supervisor's process, holds an inert socket: nothing is given away.
 * When the ticket's last copy closes, the file is let go.
 */
#ifndef CAPSICUM_SUPERVISOR_TICKET_H
#define CAPSICUM_SUPERVISOR_TICKET_H

#include <stdbool.h>

#include "../internal.h"
#include "../rights/state.h"

/* A ticket for file (ours, kept: dup'd) in state st: the ticket to send, or -errno. */
CAPSICUM_HIDDEN int ticket_make(int file, const struct fd_state *st);

/* The message with ticket was not sent: forget it. */
CAPSICUM_HIDDEN void ticket_cancel(int ticket);

/*
 * The file behind the ticket the caller holds (copy: ours) and its state,
 * once until settled: a copy of the file (the caller closes it), or -errno.
 */
CAPSICUM_HIDDEN int ticket_take(int copy, struct fd_state *st);

/* After ticket_take: the file was placed (the ticket is spent) or not (it stays good). */
CAPSICUM_HIDDEN void ticket_settle(int copy, bool placed);

#endif
