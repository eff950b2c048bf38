/*
 * Shared by the fuzz harnesses: reads every entry of a list the way a
 * careful service would (type from nvlist_next(), then the matching get),
 * descending into nested lists and arrays with FreeBSD's iteration idiom.
 */
#ifndef NV_FUZZ_WALK_H
#define NV_FUZZ_WALK_H

#include <stdlib.h>
#include <string.h>

#include <sys/cnv.h>
#include <sys/nv.h>

/* Touches the value behind a cookie; returns a digest so nothing is elided. */
static size_t fuzz_touch(const void *cookie, int type)
{
	size_t n = 0;

	switch (type) {
	case NV_TYPE_BOOL:
		return cnvlist_get_bool(cookie);
	case NV_TYPE_NUMBER:
		return (size_t)cnvlist_get_number(cookie);
	case NV_TYPE_STRING:
		return strlen(cnvlist_get_string(cookie));
	case NV_TYPE_DESCRIPTOR:
		return (size_t)cnvlist_get_descriptor(cookie);
	case NV_TYPE_BINARY:
		return ((const unsigned char *)cnvlist_get_binary(cookie, &n))[n - 1];
	case NV_TYPE_BOOL_ARRAY:
		return cnvlist_get_bool_array(cookie, &n)[n - 1];
	case NV_TYPE_NUMBER_ARRAY:
		return (size_t)cnvlist_get_number_array(cookie, &n)[n - 1];
	case NV_TYPE_STRING_ARRAY:
		return strlen(cnvlist_get_string_array(cookie, &n)[n - 1]);
	case NV_TYPE_DESCRIPTOR_ARRAY:
		return (size_t)cnvlist_get_descriptor_array(cookie, &n)[n - 1];
	default:
		return 0;
	}
}

static size_t fuzz_walk(const nvlist_t *top)
{
	const nvlist_t *nvl = top;
	void *cookie = NULL;
	const char *name;
	size_t digest = 0;
	int type;

	do {
		while ((name = nvlist_next(nvl, &type, &cookie)) != NULL) {
			if (!nvlist_exists_type(nvl, name, type))
				abort();
			digest += fuzz_touch(cookie, type) + strlen(name);
			if (type == NV_TYPE_NVLIST) {
				nvl = cnvlist_get_nvlist(cookie);
				cookie = NULL;
			} else if (type == NV_TYPE_NVLIST_ARRAY) {
				nvl = cnvlist_get_nvlist_array(cookie, NULL)[0];
				cookie = NULL;
			}
		}
	} while ((nvl = nvlist_get_pararr(nvl, &cookie)) != NULL);
	return digest;
}

#endif /* !NV_FUZZ_WALK_H */
