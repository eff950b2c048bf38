/*
 * dnvlist_*(): get or take with a default, for entries a peer may leave
 * out.  An entry of the right name but another type counts as missing.
 */
#include <sys/dnv.h>

#include "nv_impl.h"

#define FIND(type, nvl, name) nv_find((nvl), NV_TYPE_##type, (name), __func__)

bool dnvlist_get_bool(const nvlist_t *nvl, const char *name, bool defval)
{
	const nvpair_t *nvp = FIND(BOOL, nvl, name);

	return nvp != NULL ? nvp->nvp_v.b : defval;
}

uint64_t dnvlist_get_number(const nvlist_t *nvl, const char *name, uint64_t defval)
{
	const nvpair_t *nvp = FIND(NUMBER, nvl, name);

	return nvp != NULL ? nvp->nvp_v.num : defval;
}

const char *dnvlist_get_string(const nvlist_t *nvl, const char *name, const char *defval)
{
	const nvpair_t *nvp = FIND(STRING, nvl, name);

	return nvp != NULL ? nvp->nvp_v.str : defval;
}

const nvlist_t *dnvlist_get_nvlist(const nvlist_t *nvl, const char *name, const nvlist_t *defval)
{
	const nvpair_t *nvp = FIND(NVLIST, nvl, name);

	return nvp != NULL ? nvp->nvp_v.nvl : defval;
}

int dnvlist_get_descriptor(const nvlist_t *nvl, const char *name, int defval)
{
	const nvpair_t *nvp = FIND(DESCRIPTOR, nvl, name);

	return nvp != NULL ? nvp->nvp_v.fd : defval;
}

const void *dnvlist_get_binary(const nvlist_t *nvl, const char *name, size_t *sizep,
                               const void *defval, size_t defsize)
{
	const nvpair_t *nvp = FIND(BINARY, nvl, name);

	if (sizep != NULL)
		*sizep = nvp != NULL ? nvp->nvp_v.bin.size : defsize;
	return nvp != NULL ? nvp->nvp_v.bin.data : defval;
}

bool dnvlist_take_bool(nvlist_t *nvl, const char *name, bool defval)
{
	nvpair_t *nvp = FIND(BOOL, nvl, name);

	return nvp != NULL ? nv_take_pair(nvp).b : defval;
}

uint64_t dnvlist_take_number(nvlist_t *nvl, const char *name, uint64_t defval)
{
	nvpair_t *nvp = FIND(NUMBER, nvl, name);

	return nvp != NULL ? nv_take_pair(nvp).num : defval;
}

char *dnvlist_take_string(nvlist_t *nvl, const char *name, char *defval)
{
	nvpair_t *nvp = FIND(STRING, nvl, name);

	return nvp != NULL ? nv_take_pair(nvp).str : defval;
}

nvlist_t *dnvlist_take_nvlist(nvlist_t *nvl, const char *name, nvlist_t *defval)
{
	nvpair_t *nvp = FIND(NVLIST, nvl, name);

	return nvp != NULL ? nv_take_pair(nvp).nvl : defval;
}

int dnvlist_take_descriptor(nvlist_t *nvl, const char *name, int defval)
{
	nvpair_t *nvp = FIND(DESCRIPTOR, nvl, name);

	return nvp != NULL ? nv_take_pair(nvp).fd : defval;
}

void *dnvlist_take_binary(nvlist_t *nvl, const char *name, size_t *sizep, void *defval,
                          size_t defsize)
{
	nvpair_t *nvp = FIND(BINARY, nvl, name);
	union nv_value v = {.bin = {defval, defsize}};

	if (nvp != NULL)
		v = nv_take_pair(nvp);
	if (sizep != NULL)
		*sizep = v.bin.size;
	return v.bin.data;
}
