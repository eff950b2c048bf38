/*
 * Capability mode as data: what each system call may do once the process
 * has called cap_enter() (policy.c), and the compiler that turns it into
 * the capability-mode filter (compile.c).
 *
 * A call not in the table fails with ECAPMODE, as on FreeBSD, where a
 * system call is allowed in capability mode only if it is marked so.  A
 * listed call is judged by its rules in table order; the first rule whose
 * test holds decides, and a call none of whose rules holds fails with
 * ECAPMODE.  Tests read registers only: what lies in memory (paths,
 * socket addresses, msghdr) cannot be judged by the kernel, and such calls
 * are CM_ROUTE.
 */
#ifndef CAPSICUM_CAPMODE_POLICY_H
#define CAPSICUM_CAPMODE_POLICY_H

#include <stdint.h>

#include "../internal.h"
#include "../supervisor/route.h"

enum cm_action {
	CM_ALLOW,
	CM_DENY,   /* ECAPMODE */
	CM_ROUTE,  /* the supervisor's (route.h, by kind); ECAPMODE without one */
	CM_ENOSYS, /* clone3: the C library falls back to clone */
	CM_QUERY,  /* the cap_getmode() probe: answers CAPMODE_ANSWER */
	CM_QUIET,  /* ECAPMODE that never traps: a probe of the library's (procctl.c) */
};

enum cm_test {
	CT_ALWAYS,
	CT_EQ,           /* (low word & mask) == vals[0] */
	CT_NE,           /* (low word & mask) != vals[0] */
	CT_IN,           /* (low word & mask) is one of vals */
	CT_NOT_IN,       /* ... is none of vals */
	CT_LT,           /* low word < vals[0], unsigned */
	CT_GE,           /* low word >= vals[0], unsigned */
	CT_ANY_BITS,     /* low word & vals[0] != 0 */
	CT_EQ_THEN_BITS, /* low word == vals[0] and the next argument's & vals[1] != 0 */
	CT_PTR_NULL,     /* all 64 bits zero */
};

#define CM_VALS_MAX 8

struct cm_rule {
	int nr;
	uint8_t test; /* enum cm_test */
	uint8_t arg;
	uint8_t act; /* enum cm_action */
	uint8_t nvals;
	uint32_t mask; /* 0: the whole low word */
	uint32_t vals[CM_VALS_MAX];
	uint8_t route; /* CM_ROUTE: enum route_kind */
};

/* What chdir(NULL) fails with in capability mode (elsewhere: EFAULT). */
#define CAPMODE_ANSWER 1999

CAPSICUM_HIDDEN extern const struct cm_rule cm_rules[];
CAPSICUM_HIDDEN extern const unsigned cm_rules_count;

#endif
