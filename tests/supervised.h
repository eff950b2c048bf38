/* Tests that need the library's supervisor, not the kernel-only configuration. */
#ifndef CAPSICUM_TEST_SUPERVISED_H
#define CAPSICUM_TEST_SUPERVISED_H

#include <sys/capsicum.h>

#include "harness.h"
#include "supervisor/ctl.h"

/* The library's supervisor answers: not the kernel-only configuration. */
static inline void assert_supervised(void)
{
	ck_assert_int_eq(syscall(SYS_prctl, CTL_PRCTL, CTL_HELLO, 0L, 0L, 0L), CTL_MAGIC);
}

/* Start the supervisor without entering capability mode: limit a pipe. */
static inline void start_supervisor(void)
{
	cap_rights_t r;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(cap_rights_limit(p[0], cap_rights_init(&r, CAP_READ)), 0);
	assert_supervised();
}

#endif
