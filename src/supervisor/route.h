/*
 * Which system calls the listener filter sends to the supervisor, as data.
 *
 * The listener filter is installed once, at the first limit or cap_enter(),
 * and can never change, so it routes everything the supervisor may ever
 * have to judge, in or out of capability mode:
 *
 *	lookups with a directory descriptor (not AT_FDCWD) in any dirfd slot,
 *	  unless the path pointer is NULL where NULL means "the descriptor"
 *	signals, and fcntl(F_SETOWN) (a SIGIO target): the target must be the
 *	  caller's own process in capability mode
 *	prctl(CTL_PRCTL, ...): the library's control requests
 *	copies (dup, dup2, dup3, F_DUPFD, F_DUPFD_CLOEXEC) of any descriptor,
 *	  and accept/accept4 on any socket: a limited one's copy, or its
 *	  connection, goes to the slow range with its rights
 *	execveat from a descriptor (fexecve): the path must be "", in memory
 *	sendmsg and sendmmsg: what they send to and the descriptors they
 *	  carry are in memory
 *	every call naming a slow-range number in a descriptor argument
 *	  (slow.h): judged on the state the supervisor keeps for it
 *
 * Outside capability mode the supervisor lets an unrestricted lookup
 * continue in the kernel untouched; the rest it performs itself.  What the
 * capability-mode filter and the rights filters leave to the supervisor
 * must be a subset of this (test_bpf_compile checks it).
 */
#ifndef CAPSICUM_SUPERVISOR_ROUTE_H
#define CAPSICUM_SUPERVISOR_ROUTE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/seccomp.h>

#include "../bpf/asm.h"
#include "../internal.h"

enum route_kind {
	RK_LOOKUP,
	RK_SIGNAL,
	RK_CTL,
	RK_SEND, /* sendmsg, sendmmsg: performed by the supervisor (send.c) */
	RK_COPY,
	RK_EXEC,  /* execveat from a descriptor: fexecve (exec.c) */
	RK_CWD,   /* openat from the current directory: the lean and paths listeners route it */
	RK_PATHS, /* any other global name (old path calls, *at from the current directory):
	             only the paths listener routes it (paths.h) */
	RK_SLOW,  /* no entry in routes[]: a call with a slow-range descriptor */
};

/* The kinds the supervisor serves: capability mode leaves these to it. */
#define RK_SERVED                                                                                  \
	((1u << RK_LOOKUP) | (1u << RK_SIGNAL) | (1u << RK_CTL) | (1u << RK_SEND) |                \
	 (1u << RK_COPY) | (1u << RK_EXEC))

#define NO_ARG 0xff

struct route {
	int nr;
	uint8_t kind;     /* enum route_kind */
	uint8_t dirfd[2]; /* argument slots holding a directory fd, NO_ARG if unused */
	uint8_t path;     /* the path argument, or NO_ARG */
	uint8_t null_ok;  /* a NULL path means the descriptor itself: not routed */
};

CAPSICUM_HIDDEN extern const struct route routes[];
CAPSICUM_HIDDEN extern const unsigned routes_count;

/* The route of call nr, or NULL. */
CAPSICUM_HIDDEN const struct route *route_find(int nr);

/* The arguments of call nr that hold descriptors (bit i: args[i]), from the rights table. */
CAPSICUM_HIDDEN unsigned route_fd_args(int nr);

/*
 * The arguments of call d that hold descriptors given its other arguments
 * (waitid's second is one only with P_PIDFD): the listener routes on
 * route_fd_args, which may say more.
 */
CAPSICUM_HIDDEN unsigned route_fd_args_of(const struct seccomp_data *d);

/* Whether d is a copy the supervisor makes: dup, dup2, dup3, fcntl(F_DUPFD*), accept, accept4. */
CAPSICUM_HIDDEN bool route_is_copy(const struct seccomp_data *d);

/*
 * The listener filter for a supervisor mode (ctl.h): the full one routes
 * the slow range, the lean one (started by cap_enter) opens from the
 * current directory, the paths one (capsicum(1)) both and every other
 * global name.  0 or -errno.
 */
CAPSICUM_HIDDEN int listener_compile(struct bpf_asm *a, char mode);

/* The route kinds a supervisor of this mode serves in capability mode. */
CAPSICUM_HIDDEN unsigned route_served(char mode);

#endif
