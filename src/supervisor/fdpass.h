/* One descriptor, with one byte, over a unix socket (SCM_RIGHTS). */
#ifndef CAPSICUM_SUPERVISOR_FDPASS_H
#define CAPSICUM_SUPERVISOR_FDPASS_H

#include "../internal.h"

/* 0, or -1 with errno set. */
CAPSICUM_HIDDEN int fdpass_send(int sock, int fd);

/* The descriptor received (close-on-exec), or -1. */
CAPSICUM_HIDDEN int fdpass_recv(int sock);

#endif
