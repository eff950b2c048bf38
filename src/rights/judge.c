/*
 * The supervisor's judge for descriptors without a rule of their own number
 * (the slow range, route.h): build the filter the library would install
 * for the number and run it on the call.  One compiler, one table: the
 * judgement is the kernel's by construction.  Lookups and copies are left
 * to the supervisor's own handlers, as for any supervised descriptor.
 */
#include "../bpf/run.h"
#include "compile.h"

uint32_t rights_judge(int fd, const struct fd_state *st, const struct seccomp_data *d)
{
	struct bpf_asm a;
	uint32_t action = SECCOMP_RET_KILL_PROCESS;

	bpf_init(&a);
	if (rights_compile(&a, fd, st, true) == 0)
		action = bpf_run(a.insns, a.len, d);
	bpf_free(&a);
	return action;
}
