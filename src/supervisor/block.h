/*
 * Waiting on the caller's behalf.
 *
 * A call the supervisor performs itself (accept on a restricted listener,
 * sendmsg) may have to wait as the caller would have: the worker waits
 * instead, polling its own copy of the descriptor.  Waiting workers are
 * bounded, so that callers cannot take them all; beyond the bound the
 * call fails with EAGAIN.  A signal to the caller ends its call, and the
 * notification with it: the wait ends too.
 */
#ifndef CAPSICUM_SUPERVISOR_BLOCK_H
#define CAPSICUM_SUPERVISOR_BLOCK_H

#include <stdbool.h>
#include <time.h>

#include "../internal.h"
#include "target.h"

/* One call's wait: its deadline, and whether it holds a waiting worker's place. */
struct block {
	struct timespec deadline; /* tv_sec < 0: none */
	bool counted;
};

/*
 * Start a wait under the time limit a socket option of sock sets
 * (SO_RCVTIMEO, SO_SNDTIMEO), or none if option is 0.
 */
CAPSICUM_HIDDEN void block_start(struct block *b, int sock, int option);

/*
 * Wait until fd (the supervisor's copy) reports one of events: 0 when it
 * may have (try again), -EAGAIN when too many workers wait or the
 * deadline passed, -EINTR when the caller's call ended.
 */
CAPSICUM_HIDDEN int block_wait(struct target *t, struct block *b, int fd, short events);

/* End the wait, giving up its place. */
CAPSICUM_HIDDEN void block_end(struct block *b);

#endif
