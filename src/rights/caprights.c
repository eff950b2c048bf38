/*
 * The cap_rights_t helpers.  They never report errors: a malformed set or a
 * value that is not a CAP_* constant is a programming error, and like
 * FreeBSD's assertions these abort -- always, NDEBUG or not, because a
 * silently mangled rights set would weaken a limit.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#include <sys/capsicum.h>

#include "../internal.h"

/* Marker bit -> word index; -1 for the markers version 0 does not use. */
static const int bit2idx[5] = {0, 1, -1, -1, -1};

#define RIGHT_BITS 0x01FFFFFFFFFFFFFFULL

static int right_to_index(uint64_t right)
{
	int bits = CAPIDXBIT(right);
	int idx;

	/* Exactly one marker bit must be set. */
	CAPSICUM_CHECK(bits != 0 && (bits & (bits - 1)) == 0);
	idx = bit2idx[__builtin_ctz((unsigned)bits)];
	CAPSICUM_CHECK(idx >= 0);
	return idx;
}

static void check_right(const cap_rights_t *rights, uint64_t right)
{
	CAPSICUM_CHECK(CAPRVER(right) == 0);
	CAPSICUM_CHECK(right_to_index(right) < CAPARSIZE(rights));
}

static void rights_apply(cap_rights_t *rights, bool set, va_list ap)
{
	uint64_t right;

	while ((right = va_arg(ap, uint64_t)) != 0) {
		int idx = right_to_index(right);

		check_right(rights, right);
		if (set)
			rights->cr_rights[idx] |= right;
		else
			rights->cr_rights[idx] &= ~(right & RIGHT_BITS);
	}
}

cap_rights_t *__cap_rights_init(int version, cap_rights_t *rights, ...)
{
	va_list ap;

	CAPSICUM_CHECK(version == CAP_RIGHTS_VERSION_00);
	CAP_NONE(rights);
	va_start(ap, rights);
	rights_apply(rights, true, ap);
	va_end(ap);
	return rights;
}

cap_rights_t *__cap_rights_set(cap_rights_t *rights, ...)
{
	va_list ap;

	CAPSICUM_CHECK(cap_rights_is_valid(rights));
	va_start(ap, rights);
	rights_apply(rights, true, ap);
	va_end(ap);
	CAPSICUM_CHECK(cap_rights_is_valid(rights));
	return rights;
}

cap_rights_t *__cap_rights_clear(cap_rights_t *rights, ...)
{
	va_list ap;

	CAPSICUM_CHECK(cap_rights_is_valid(rights));
	va_start(ap, rights);
	rights_apply(rights, false, ap);
	va_end(ap);
	CAPSICUM_CHECK(cap_rights_is_valid(rights));
	return rights;
}

bool __cap_rights_is_set(const cap_rights_t *rights, ...)
{
	uint64_t right;
	bool all = true;
	va_list ap;

	CAPSICUM_CHECK(cap_rights_is_valid(rights));
	va_start(ap, rights);
	while ((right = va_arg(ap, uint64_t)) != 0) {
		int idx = right_to_index(right);

		check_right(rights, right);
		if ((rights->cr_rights[idx] & right) != right)
			all = false;
	}
	va_end(ap);
	return all;
}

bool cap_rights_is_empty(const cap_rights_t *rights)
{
	cap_rights_t none;

	CAPSICUM_CHECK(cap_rights_is_valid(rights));
	CAP_NONE(&none);
	return rights->cr_rights[0] == none.cr_rights[0] &&
	       rights->cr_rights[1] == none.cr_rights[1];
}

bool cap_rights_is_valid(const cap_rights_t *rights)
{
	cap_rights_t all;

	if (CAPVER(rights) != CAP_RIGHTS_VERSION_00)
		return false;
	CAP_ALL(&all);
	for (int i = 0; i < CAPARSIZE(rights); i++) {
		uint64_t w = rights->cr_rights[i];
		int bits = CAPIDXBIT(w);

		if (i > 0 && CAPRVER(w) != 0)
			return false;
		if (bits == 0 || (bits & (bits - 1)) != 0)
			return false;
		if (bit2idx[__builtin_ctz((unsigned)bits)] != i)
			return false;
		if ((w & ~all.cr_rights[i]) != 0)
			return false;
	}
	return true;
}

cap_rights_t *cap_rights_merge(cap_rights_t *dst, const cap_rights_t *src)
{
	CAPSICUM_CHECK(cap_rights_is_valid(dst));
	CAPSICUM_CHECK(cap_rights_is_valid(src));
	for (int i = 0; i < CAPARSIZE(dst); i++)
		dst->cr_rights[i] |= src->cr_rights[i];
	CAPSICUM_CHECK(cap_rights_is_valid(dst));
	return dst;
}

cap_rights_t *cap_rights_remove(cap_rights_t *dst, const cap_rights_t *src)
{
	CAPSICUM_CHECK(cap_rights_is_valid(dst));
	CAPSICUM_CHECK(cap_rights_is_valid(src));
	for (int i = 0; i < CAPARSIZE(dst); i++)
		dst->cr_rights[i] &= ~(src->cr_rights[i] & RIGHT_BITS);
	CAPSICUM_CHECK(cap_rights_is_valid(dst));
	return dst;
}

bool cap_rights_contains(const cap_rights_t *big, const cap_rights_t *little)
{
	CAPSICUM_CHECK(CAPVER(big) == CAP_RIGHTS_VERSION_00);
	CAPSICUM_CHECK(CAPVER(little) == CAP_RIGHTS_VERSION_00);
	for (int i = 0; i < CAPARSIZE(big); i++) {
		if ((big->cr_rights[i] & little->cr_rights[i]) != little->cr_rights[i])
			return false;
	}
	return true;
}
