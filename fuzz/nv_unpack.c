/*
 * libFuzzer harness: nvlist_unpack() on arbitrary bytes.  A message it
 * accepts must be canonical (packing the list gives back exactly the
 * input), must survive a walk over every entry, a clone and a second
 * unpack; a message it refuses must be refused with EINVAL or EILSEQ.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/nv.h>

#include "walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Packs nvl and checks the bytes are exactly want. */
static void expect_pack(const nvlist_t *nvl, const uint8_t *want, size_t size)
{
	size_t n = 0;
	void *buf = nvlist_pack(nvl, &n);

	if (buf == NULL || n != size || nvlist_size(nvl) != size || memcmp(buf, want, size) != 0)
		abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The header's own flags, so inputs reach past the flags check. */
	int flags = size > 5 ? data[5] & NV_FLAG_PUBLIC_MASK : 0;
	nvlist_t *nvl = nvlist_unpack(data, size, flags), *copy;
	volatile size_t digest;

	if (nvl == NULL) {
		if (errno != EINVAL && errno != EILSEQ && errno != ENOMEM)
			abort();
		return 0;
	}
	if (nvlist_error(nvl) != 0 || nvlist_flags(nvl) != flags)
		abort();
	digest = fuzz_walk(nvl);
	(void)digest;
	expect_pack(nvl, data, size);
	if ((copy = nvlist_clone(nvl)) == NULL)
		abort();
	expect_pack(copy, data, size);
	nvlist_destroy(copy);
	if ((copy = nvlist_unpack(data, size, flags)) == NULL)
		abort();
	nvlist_destroy(copy);
	nvlist_destroy(nvl);
	return 0;
}
