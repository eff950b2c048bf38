/*
 * What the library and the supervisor agree on.
 *
 * Control requests are a prctl(2) with an option no kernel defines.  The
 * listener filter sends it to the supervisor, which learns from the kernel
 * who asks (the notification names the thread) and what (registers only);
 * without a listener the kernel answers EINVAL.  So a request cannot be
 * forged for another process, needs no descriptor that exec or closefrom()
 * could lose, and an answer of CTL_MAGIC -- a positive value no seccomp
 * ERRNO action can produce -- proves that a listener is there.
 *
 * Capability mode is marked where the supervisor can read it and the
 * process cannot undo it: the hard RLIMIT_RTTIME, lowered to CAPMODE_MARK
 * or below by cap_enter() before its filter goes in.  Hard limits only go
 * down without CAP_SYS_RESOURCE, they are inherited by every child and
 * kept across exec, and the capability-mode filter refuses RLIMIT_RTTIME
 * changes even to root.  A process outside capability mode that lowered
 * the limit itself is judged as if inside it: stricter, never looser.
 */
#ifndef CAPSICUM_SUPERVISOR_CTL_H
#define CAPSICUM_SUPERVISOR_CTL_H

#define CTL_PRCTL 0x43415053 /* "CAPS": prctl(CTL_PRCTL, op, a, b, c) */
#define CTL_MAGIC 0x5a17     /* CTL_HELLO's answer */

enum ctl_op {
	CTL_HELLO = 1, /* -> CTL_MAGIC */
	/*
	 * (fd, struct fd_state *, its size): fd is limited to this state.
	 * -> 1: the supervisor now holds the file's state and judges lookups
	 * beneath it and makes its copies; an error: the rights filter must
	 * refuse both on the number itself.
	 */
	CTL_LIMIT = 2,
	/*
	 * (): sent by a new child from fork(): the supervisor meets it now,
	 * while its parent's table still holds what the child inherited, and
	 * takes the parent's slow states (slow.h).  -> 0.
	 */
	CTL_FORKED = 3,
	/*
	 * (dirfd | socket << 32, struct sockaddr_un *, its length): bind the
	 * socket to the path beneath the directory (bindat), or connect it
	 * (connectat).  -> 0.
	 */
	CTL_BINDAT = 4,
	CTL_CONNECTAT = 5,
	/* (): -> the supervisor's mode, SUP_FULL or SUP_LEAN. */
	CTL_MODE = 6,
	/* (fd): -> a sealed copy of fd's program for fexecve in capability mode (exec.c). */
	CTL_EXEC_PIN = 7,
	/*
	 * (fd, cloexec): fd is a ticket received in an SCM_RIGHTS message
	 * (ticket.h): -> the restricted descriptor it stands for, on a slow
	 * number; EBADF if it is no ticket of this supervisor's.
	 */
	CTL_REDEEM = 8,
	/*
	 * The path table of a supervisor in SUP_PATHS mode (paths.h), from a
	 * caller outside capability mode only; it names the caller's own
	 * descriptors, so it translates names and grants nothing.
	 * CTL_PATH_ADD (fd, const char *prefix, its length): absolute paths
	 * beneath prefix resolve beneath descriptor fd.  -> 0.
	 * CTL_PATH_CWD (const char *dir, its length): relative paths from
	 * the current directory are taken beneath dir.  -> 0.
	 * CTL_PATH_LOG (fd, PATH_LOG_* flags): where refusals (and, with
	 * PATH_LOG_LEARN, every path used) are written.  -> 0.
	 */
	CTL_PATH_ADD = 9,
	CTL_PATH_CWD = 10,
	CTL_PATH_LOG = 11,
	/*
	 * (on): from now on (or no longer), a thread whose request the
	 * supervisor refuses with ENOTCAPABLE or ECAPMODE gets SIGSYS
	 * (procctl(2) PROC_TRAPCAP_CTL), for every process it serves.  From
	 * outside capability mode.  -> 0.
	 */
	CTL_TRAP = 12,
	/*
	 * (fd, struct fd_state *, its size): a copy of fd, limited to the
	 * state (met with what fd holds), on a slow number: -> that number.
	 * A limit without a kernel filter, for descriptors a program rarely
	 * uses itself (capsicum(1)'s grants); ENOTCAPABLE where the slow range
	 * is not routed.
	 */
	CTL_PLACE = 13,
	/*
	 * (): -> a descriptor for the supervisor's empty path: a page of
	 * zeros in a memfd sealed against every change, which the caller maps
	 * shared and seals; fexecve in capability mode passes its "" from
	 * there, where no process can rewrite it (exec.c).
	 */
	CTL_EXEC_EMPTY = 14,
};

#define PATH_LOG_REFUSALS 1u /* one line per refused path */
#define PATH_LOG_LEARN    2u /* one record per path used, for capsicum --learn */
#define PATH_LOG_TRACE    4u /* every capability failure the supervisor answers */
#define PATH_NET          8u /* connect and bind of Internet sockets are served (net.c) */

/*
 * A ticket: one end of a unix socket pair that carries nothing (ticket.h),
 * marked with this SO_PEEK_OFF value so that the receiving library knows
 * what to trade.  A mark is no proof: the supervisor knows its tickets by
 * socket cookie.
 */
#define TICKET_MARK 0x7469636b /* "tick" */

/* The supervisor's modes, the byte that comes with the listener. */
#define SUP_FULL  'L' /* the slow range is routed */
#define SUP_LEAN  'l' /* it is not: no restricted copies */
#define SUP_PATHS 'P' /* as SUP_FULL, and global names are routed (paths.h) */

#define CAPMODE_MARK (1ULL << 62) /* microseconds of real-time CPU: never reached */

#endif
