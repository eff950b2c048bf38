/* The meet of two descriptor states: what both allow. */
#include <string.h>

#include "state.h"

static bool listed(const struct fd_state *st, uint32_t cmd)
{
	for (int i = 0; i < st->nioctls; i++)
		if (st->ioctls[i] == cmd)
			return true;
	return false;
}

void state_meet(struct fd_state *dst, const struct fd_state *src)
{
	int n = 0;

	dst->rights.cr_rights[0] &= src->rights.cr_rights[0];
	dst->rights.cr_rights[1] &= src->rights.cr_rights[1];
	dst->fcntls &= src->fcntls;
	if (src->nioctls < 0)
		return;
	if (dst->nioctls < 0) {
		*dst = (struct fd_state){dst->rights, dst->fcntls, src->nioctls, {0}};
		for (int i = 0; i < src->nioctls; i++)
			dst->ioctls[i] = src->ioctls[i];
		return;
	}
	for (int i = 0; i < dst->nioctls; i++)
		if (listed(src, dst->ioctls[i]))
			dst->ioctls[n++] = dst->ioctls[i];
	dst->nioctls = n;
}

bool state_equal(const struct fd_state *x, const struct fd_state *y)
{
	return x->rights.cr_rights[0] == y->rights.cr_rights[0] &&
	       x->rights.cr_rights[1] == y->rights.cr_rights[1] && x->fcntls == y->fcntls &&
	       x->nioctls == y->nioctls &&
	       (x->nioctls <= 0 ||
	        memcmp(x->ioctls, y->ioctls, (size_t)x->nioctls * sizeof(x->ioctls[0])) == 0);
}

bool state_valid(const struct fd_state *st)
{
	cap_rights_t rights = st->rights;

	if (CAPVER(&rights) != CAP_RIGHTS_VERSION_00 || !cap_rights_is_valid(&rights))
		return false;
	if ((st->fcntls & ~(uint32_t)CAP_FCNTL_ALL) != 0)
		return false;
	return st->nioctls >= -1 && st->nioctls <= CAP_IOCTLS_LIMIT_MAX;
}

bool state_is_full(const struct fd_state *st)
{
	struct fd_state all;

	state_full(&all);
	return st->rights.cr_rights[0] == all.rights.cr_rights[0] &&
	       st->rights.cr_rights[1] == all.rights.cr_rights[1] && st->fcntls == all.fcntls &&
	       st->nioctls < 0;
}
