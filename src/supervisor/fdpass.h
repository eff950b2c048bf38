/* One descriptor, with one byte, over a unix socket (SCM_RIGHTS). */
#ifndef CAPSICUM_SUPERVISOR_FDPASS_H
#define CAPSICUM_SUPERVISOR_FDPASS_H

#include "../internal.h"

/* fd and the byte: 0, or -1 with errno set. */
CAPSICUM_HIDDEN int fdpass_send(int sock, int fd, char byte);

/* The descriptor received (close-on-exec) and its byte, or -1. */
CAPSICUM_HIDDEN int fdpass_recv(int sock, char *byte);

#endif
