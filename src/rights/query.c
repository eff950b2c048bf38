/* Encoding a descriptor's state into filter answers, and reading it back. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "../bpf/dispatch.h"
#include "state.h"

#define CHUNK_MASK ((1u << QUERY_ANSWER_BITS) - 1)
#define RIGHT_BITS 0x01FFFFFFFFFFFFFFULL

static unsigned put_bits(uint16_t *ans, unsigned at, uint64_t v, unsigned chunks)
{
	for (unsigned i = 0; i < chunks; i++)
		ans[at + i] = (uint16_t)((v >> (QUERY_ANSWER_BITS * i)) & CHUNK_MASK);
	return at + chunks;
}

static uint64_t get_bits(const uint16_t *ans, unsigned at, unsigned chunks)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < chunks; i++)
		v |= (uint64_t)ans[at + i] << (QUERY_ANSWER_BITS * i);
	return v;
}

unsigned state_answers(const struct fd_state *st, uint16_t *ans, unsigned max)
{
	unsigned n = Q_IOCTL0 + 3 * (unsigned)(st->nioctls > 0 ? st->nioctls : 0);

	CAPSICUM_CHECK(n <= max);
	put_bits(ans, Q_RIGHTS0, st->rights.cr_rights[0] & RIGHT_BITS, 6);
	put_bits(ans, Q_RIGHTS1, st->rights.cr_rights[1] & RIGHT_BITS, 3);
	ans[Q_FCNTLS] = (uint16_t)st->fcntls;
	ans[Q_NIOCTLS] = (uint16_t)(st->nioctls < 0 ? Q_UNLIMITED : (unsigned)st->nioctls);
	for (int i = 0; i < st->nioctls; i++)
		put_bits(ans, Q_IOCTL0 + 3 * (unsigned)i, st->ioctls[i], 3);
	return n;
}

/*
 * One answer: 0..2047, -1 if no filter answered, -2 for anything
 * unexpected.  The kernel answers a command it does not know with EINVAL,
 * or EBADF on an O_PATH descriptor (which the caller knows to be open).
 */
static int ask(uint32_t fd, unsigned idx)
{
	long r = syscall(SYS_fcntl, fd, QUERY_CMD, idx);

	if (r == -1 && errno >= QUERY_ANSWER_BASE &&
	    errno < QUERY_ANSWER_BASE + (1 << QUERY_ANSWER_BITS))
		return errno - QUERY_ANSWER_BASE;
	if (r == -1 && (errno == EINVAL || errno == EBADF))
		return -1;
	return -2;
}

int state_load(int fd, struct fd_state *st)
{
	uint16_t ans[Q_IOCTL0 + 3 * CAP_IOCTLS_LIMIT_MAX];
	int a;

	if (syscall(SYS_fcntl, fd, F_GETFD) < 0)
		return -errno;
	state_full(st);
	a = ask((uint32_t)fd, 0);
	if (a == -1)
		return 0; /* no filter for this number: all rights */
	for (unsigned i = 0; i < Q_IOCTL0; i++) {
		if ((a = ask((uint32_t)fd, i)) < 0)
			return -EIO;
		ans[i] = (uint16_t)a;
	}
	st->rights.cr_rights[0] = CAPRIGHT(0, get_bits(ans, Q_RIGHTS0, 6) & RIGHT_BITS);
	st->rights.cr_rights[1] = CAPRIGHT(1, get_bits(ans, Q_RIGHTS1, 3) & RIGHT_BITS);
	st->fcntls = ans[Q_FCNTLS];
	st->nioctls = ans[Q_NIOCTLS] == Q_UNLIMITED ? -1 : ans[Q_NIOCTLS];
	if (st->nioctls > CAP_IOCTLS_LIMIT_MAX || !cap_rights_is_valid(&st->rights))
		return -EIO;
	for (int i = 0; i < st->nioctls; i++) {
		unsigned at = Q_IOCTL0 + 3 * (unsigned)i;

		for (unsigned c = 0; c < 3; c++) {
			if ((a = ask((uint32_t)fd, at + c)) < 0)
				return -EIO;
			ans[at + c] = (uint16_t)a;
		}
		st->ioctls[i] = (uint32_t)get_bits(ans, at, 3);
	}
	return 0;
}

bool state_would_trap(int fd, uint64_t right)
{
	struct fd_state st;

	return capsicum_trapping() && state_load(fd, &st) == 0 && !state_has(&st, right);
}

bool state_fd_has(int fd, uint64_t right)
{
	uint64_t bits = right & RIGHT_BITS, have = 0;
	unsigned base = CAPIDXBIT(right) == 1 ? Q_RIGHTS0 : Q_RIGHTS1;

	/* Only the chunks that hold the right's bits: one query for most rights. */
	for (unsigned c = 0; c < (base == Q_RIGHTS0 ? 6u : 3u); c++) {
		uint64_t mask = (uint64_t)CHUNK_MASK << (QUERY_ANSWER_BITS * c);
		int a;

		if (!(bits & mask))
			continue;
		if ((a = ask((uint32_t)fd, base + c)) == -1)
			return true; /* no filter for this number: all rights */
		if (a < 0)
			return false;
		have |= (uint64_t)a << (QUERY_ANSWER_BITS * c);
	}
	return (have & bits) == bits;
}
