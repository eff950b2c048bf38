/*
 * The supervisor's report lines (refusals, traces, --learn records).  A
 * worker never waits for the descriptor they go to, which the program may
 * hold too (its standard error, a pipe no one reads): a line is written at
 * once only when that cannot wait (so it comes before what the program
 * writes next), and is queued for a thread of its own otherwise.  A full
 * queue drops lines, and says how many once there is room.
 */
#ifndef CAPSICUM_SUPERVISOR_LOGQ_H
#define CAPSICUM_SUPERVISOR_LOGQ_H

#include <stddef.h>

#include "../internal.h"

/* Write to fd from now on (the queue takes it; the previous one is closed). */
CAPSICUM_HIDDEN int logq_set(int fd);

/* Queue one line: never waits. */
CAPSICUM_HIDDEN void logq_put(const char *line, size_t len);

/* Wait up to ms milliseconds for the queue to be written (before exit). */
CAPSICUM_HIDDEN void logq_drain(int ms);

#endif
