/*
 * The supervisor's judge for descriptors without a rule of their own number
 * (the slow range): run the filter the library would install for the
 * number on the call.  One compiler, one table: the judgement is the
 * kernel's by construction.  Lookups and copies are left to the
 * supervisor's own handlers, as for any supervised descriptor.
 *
 * Compiling costs some 100 us, so filters are compiled for a stand-in
 * number and kept per state (a few states serve most programs); the
 * call's descriptor arguments are renamed to match.
 */
#include <pthread.h>
#include <stdlib.h>

#include "../bpf/run.h"
#include "compile.h"

#define STAND_IN 0x7ffffffeu /* beyond any RLIMIT_NOFILE */
#define CACHED   32

struct program {
	struct fd_state st;
	struct sock_filter *insns;
	size_t len;
	unsigned long used;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct program cache[CACHED];
static unsigned long clock_;

/* The cached program for st, compiling it into the least recently used slot. */
static const struct program *program(const struct fd_state *st)
{
	struct program *p = &cache[0];
	struct bpf_asm a;

	for (size_t i = 0; i < CACHED; i++) {
		if (cache[i].insns && state_equal(&cache[i].st, st)) {
			cache[i].used = ++clock_;
			return &cache[i];
		}
		if (cache[i].used < p->used)
			p = &cache[i];
	}
	bpf_init(&a);
	if (rights_compile(&a, (int)STAND_IN, st, true) != 0) {
		bpf_free(&a);
		return NULL;
	}
	free(p->insns);
	p->st = *st;
	p->insns = a.insns; /* the program outlives the assembler's other tables */
	p->len = a.len;
	p->used = ++clock_;
	a.insns = NULL;
	bpf_free(&a);
	return p;
}

uint32_t rights_judge(int fd, const struct fd_state *st, const struct seccomp_data *d,
                      unsigned fdargs)
{
	struct seccomp_data call = *d;
	const struct program *p;
	uint32_t action = SECCOMP_RET_KILL_PROCESS;

	/* fd becomes the stand-in; anything else that looked like it, not. */
	for (int i = 0; i < 6; i++) {
		uint32_t lo = (uint32_t)call.args[i];

		if (!(fdargs & (1u << i)))
			continue;
		if (lo == (uint32_t)fd)
			call.args[i] = (call.args[i] & ~0xffffffffULL) | STAND_IN;
		else if (lo == STAND_IN)
			call.args[i] ^= 1;
	}
	pthread_mutex_lock(&lock);
	if ((p = program(st)) != NULL)
		action = bpf_run(p->insns, p->len, &call);
	pthread_mutex_unlock(&lock);
	return action;
}
