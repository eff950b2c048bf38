/*
 * The capability state of one descriptor number, and how a process asks the
 * kernel for it.
 *
 * The library keeps no table of rights: the seccomp filters are the record.
 * Each per-descriptor filter also answers a query -- fcntl(fd, QUERY_CMD,
 * index), a command no kernel defines -- with ERRNO(QUERY_ANSWER_BASE +
 * 11 bits of the state).  Filters outlive exec and are inherited on fork, so
 * cap_rights_get() tells the truth in a child or a new program image, and
 * when a number was limited twice the newest filter (the smallest set)
 * answers: seccomp keeps the most recently installed filter's data among
 * equal actions.  A forged answer could only mislead the process about its
 * own limits; it cannot remove a filter.
 */
#ifndef CAPSICUM_RIGHTS_STATE_H
#define CAPSICUM_RIGHTS_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <sys/capsicum.h>

#include "../internal.h"

struct fd_state {
	cap_rights_t rights;
	uint32_t fcntls;                       /* CAP_FCNTL_* mask */
	int nioctls;                           /* -1: unlimited */
	uint32_t ioctls[CAP_IOCTLS_LIMIT_MAX]; /* the kernel compares 32 bits */
};

#define QUERY_CMD         0x43415051u /* "CAPQ" */
#define QUERY_ANSWER_BASE 2048        /* answers are errno values 2048..4095 */
#define QUERY_ANSWER_BITS 11

enum query_index {
	Q_RIGHTS0 = 0, /* word 0, 57 right bits in 6 chunks */
	Q_RIGHTS1 = 6, /* word 1, 33 bits in 3 chunks (23 used) */
	Q_FCNTLS = 9,
	Q_NIOCTLS = 10, /* count, or Q_UNLIMITED */
	Q_IOCTL0 = 11,  /* three chunks per command */
};
#define Q_UNLIMITED 2047u

static inline void state_full(struct fd_state *st)
{
	CAP_ALL(&st->rights);
	st->fcntls = CAP_FCNTL_ALL;
	st->nioctls = -1;
}

/* dst becomes what both dst and src allow. */
CAPSICUM_HIDDEN void state_meet(struct fd_state *dst, const struct fd_state *src);

/* st holds right (one CAP_* value, any number of bits of one word). */
static inline bool state_has(const struct fd_state *st, uint64_t right)
{
	int idx = CAPIDXBIT(right) == 1 ? 0 : 1;

	return (st->rights.cr_rights[idx] & right) == right;
}

/* The same rights, fcntl mask and ioctl list (in the same order). */
CAPSICUM_HIDDEN bool state_equal(const struct fd_state *x, const struct fd_state *y);

/* A well-formed state (valid rights, known fcntl bits, a list that fits). */
CAPSICUM_HIDDEN bool state_valid(const struct fd_state *st);

/* All rights, all fcntls, all ioctls. */
CAPSICUM_HIDDEN bool state_is_full(const struct fd_state *st);

/* The answers a filter for `st` gives, by index; returns how many. */
CAPSICUM_HIDDEN unsigned state_answers(const struct fd_state *st, uint16_t *ans, unsigned max);

/*
 * Read fd's state from the kernel: 0 with *st filled, or -errno (EBADF when
 * the descriptor is not open).
 */
CAPSICUM_HIDDEN int state_load(int fd, struct fd_state *st);

/*
 * Rights, ioctls and fcntls at once: fd narrowed to its state met with st,
 * one filter where cap_rights_limit, cap_ioctls_limit and cap_fcntls_limit
 * would stack three (capsicum(1)'s stdio).  0, or -1 with errno.
 */
CAPSICUM_HIDDEN int rights_limit_state(int fd, const struct fd_state *st);

/*
 * Whether fd's rights include right (one CAP_* value), asking its filter
 * only for the chunks that hold the right's bits: cheaper than
 * state_load() where each answer is a round trip (a slow number).  false
 * where the answer cannot be had.
 */
CAPSICUM_HIDDEN bool state_fd_has(int fd, uint64_t right);

/*
 * Whether a call needing right on fd would be refused while failures trap
 * (procctl.c): the library's own probes, which expect refusals, ask first
 * and skip the call rather than raise SIGSYS.
 */
CAPSICUM_HIDDEN bool state_would_trap(int fd, uint64_t right);

#endif
