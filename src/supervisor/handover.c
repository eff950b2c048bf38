/* Handing the listener descriptor to the supervisor (handover.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "handover.h"

struct offer {
	int fd;
	char mode;
};

int handover_give(int sock, int lfd, char mode)
{
	struct offer o = {lfd, mode};
	char ack;

	if (write(sock, &o, sizeof(o)) != (ssize_t)sizeof(o))
		return -1;
	/* End of file: the supervisor died or could not take it. */
	return read(sock, &ack, 1) == 1 ? 0 : -1;
}

int handover_take(int sock, pid_t program, char *mode)
{
	struct offer o;
	int pidfd, fd = -1;

	if (read(sock, &o, sizeof(o)) != (ssize_t)sizeof(o))
		return -1;
	pidfd = (int)syscall(SYS_pidfd_open, program, 0);
	if (pidfd >= 0) {
		/* The program waits for the answer, so its pid still names it. */
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, o.fd, 0);
		close(pidfd);
	}
	if (fd < 0 || write(sock, "", 1) != 1) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*mode = o.mode;
	return fd;
}
