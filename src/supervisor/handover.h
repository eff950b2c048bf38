/*
 * Handing the listener descriptor to the supervisor.
 *
 * Once the listener filter is installed, the program's sendmsg goes to
 * the supervisor, which cannot serve it before it holds the listener: the
 * descriptor cannot travel in an SCM_RIGHTS message.  The program writes
 * its number instead, and the supervisor takes it out of the program with
 * pidfd_getfd -- the access it needs for every request anyway.  It tries
 * that access first, on the program's end of the socket, before the
 * listener filter exists: a program it could not serve (not dumpable, or
 * another user's) gets no listener, and is confined by the kernel alone.
 */
#ifndef CAPSICUM_SUPERVISOR_HANDOVER_H
#define CAPSICUM_SUPERVISOR_HANDOVER_H

#include <sys/types.h>

#include "../internal.h"

/*
 * The program: offer descriptor fd and a mode byte on sock, and wait
 * until the supervisor has taken it.  0, or -1 if it did not.  First
 * sock itself (the probe), then the listener.
 */
CAPSICUM_HIDDEN int handover_give(int sock, int fd, char mode);

/* The supervisor: take the descriptor program offers on sock: it, or -1. */
CAPSICUM_HIDDEN int handover_take(int sock, pid_t program, char *mode);

#endif
