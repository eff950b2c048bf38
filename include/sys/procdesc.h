/*
 * <sys/procdesc.h> -- process descriptors for Linux.
 *
 * Source-compatible with FreeBSD's header.  A process descriptor names a
 * child without its process ID: it is polled for the child's exit
 * (POLLHUP), signalled with pdkill(), waited for with pdwait4() or
 * pdwait(), and closing the last descriptor for a running child kills it
 * unless it was made with PD_DAEMON.  See pdfork(2).
 */
#ifndef _SYS_PROCDESC_H_
#define _SYS_PROCDESC_H_

#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#define PD_DAEMON          0x00000001 /* the child outlives its last descriptor */
#define PD_CLOEXEC         0x00000002 /* the descriptor is close-on-exec */
#define PD_ALLOWED_AT_FORK (PD_DAEMON | PD_CLOEXEC)

/* What pdwait() reports of resource usage: the child's, and its children's. */
struct __wrusage {
	struct rusage wru_self;
	struct rusage wru_children;
};

#ifdef __cplusplus
extern "C" {
#endif

pid_t pdfork(int *fdp, int pdflags);
int pdgetpid(int fd, pid_t *pidp);
int pdkill(int fd, int signum);
pid_t pdwait4(int fd, int *status, int options, struct rusage *rusage);
int pdwait(int fd, int *status, int options, struct __wrusage *wrusage, siginfo_t *info);

#ifdef __cplusplus
}
#endif

#endif
