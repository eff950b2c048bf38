/*
 * The rights policy as data: which right each system call needs on each
 * descriptor argument it takes in a register (fdrules.c), and what each
 * fcntl(2) command needs (fcntlrules.c).  The compiler (compile.c) turns the
 * entries a rights set does not satisfy into a seccomp filter.
 */
#ifndef CAPSICUM_RIGHTS_RULES_H
#define CAPSICUM_RIGHTS_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include <sys/caprights.h>

#include "../internal.h"

/* When a rule applies, judged on the call's other arguments. */
enum rule_cond {
	WHEN_ALWAYS,
	WHEN_PTR_NULL,   /* args[arg] == 0, all 64 bits */
	WHEN_PTR_SET,    /* args[arg] != 0, all 64 bits */
	WHEN_FLAG_SET,   /* low word of args[arg] & val != 0 */
	WHEN_FLAG_CLEAR, /* low word of args[arg] & val == 0 */
	WHEN_EQ,         /* low word of args[arg] == val */
	WHEN_MASKED_EQ,  /* (low word of args[arg] & mask) == val */
};

/*
 * A right that no descriptor state satisfies: the call is refused on every
 * limited descriptor (copies and lookups until the supervisor exists).
 */
#define RIGHT_NEVER UINT64_MAX

/*
 * A lookup starting at the descriptor: refused like RIGHT_NEVER, unless
 * the supervisor holds the file as a restricted directory and judges the
 * lookup itself (the listener filter routes every such call, route.h).
 */
#define RIGHT_LOOKUP (UINT64_MAX - 1)

/*
 * A copy of the descriptor on a new number (dup, F_DUPFD...): refused like
 * RIGHT_NEVER, unless the supervisor holds the file's state and places the
 * copy itself on a number it judges (the slow range, route.h).
 */
#define RIGHT_COPY (UINT64_MAX - 2)

struct fd_rule {
	int nr;           /* system call, -1 if this architecture lacks it */
	uint8_t fdarg;    /* argument that holds the descriptor */
	uint8_t cond;     /* enum rule_cond */
	uint8_t cond_arg; /* argument the condition reads */
	uint32_t cond_val;
	uint64_t need; /* one CAP_* value (one word), RIGHT_NEVER, RIGHT_LOOKUP or RIGHT_COPY */
};

/*
 * A rule for the whole process rather than one descriptor: calls that name
 * descriptors only in memory, or that would let a descriptor escape every
 * per-number rule.  Every per-descriptor filter carries them (base.c).
 */
struct proc_rule {
	int nr;
	uint8_t cond; /* enum rule_cond */
	uint8_t cond_arg;
	uint32_t cond_val, cond_mask;
	uint16_t err;         /* errno the call fails with */
	uint8_t unsupervised; /* only in filters made without a supervisor */
	uint8_t quiet;        /* never traps (procctl.c): the library probes with it */
};

struct fcntl_rule {
	uint32_t cmd;       /* Linux F_* command */
	uint64_t need;      /* CAP_* value, 0 for none, RIGHT_NEVER or RIGHT_COPY */
	uint32_t fcntl_bit; /* CAP_FCNTL_* bit also required, or 0 */
};

#define FD_RULES_MAX 256

CAPSICUM_HIDDEN extern const struct fd_rule fd_rules[];
CAPSICUM_HIDDEN extern const unsigned fd_rules_count;
CAPSICUM_HIDDEN extern const struct proc_rule proc_rules[];
CAPSICUM_HIDDEN extern const unsigned proc_rules_count;
CAPSICUM_HIDDEN extern const struct fcntl_rule fcntl_rules[];
CAPSICUM_HIDDEN extern const unsigned fcntl_rules_count;

#endif
