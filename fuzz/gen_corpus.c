/*
 * Writes the seed corpora of the fuzz harnesses: small valid messages,
 * one per file, covering every type, nesting (up to the limit), arrays of
 * lists, both list flags and (for nv_recv) descriptors.
 *
 *	gen_corpus DIR	writes DIR/nv_unpack/<name> and DIR/nv_recv/<name>
 *
 * Linked with libnv's objects: it uses the internal encoder, since
 * nvlist_pack() rightly refuses lists holding descriptors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/nv.h>

#include "nv_impl.h"

static const char *outdir;

static void write_file(const char *sub, const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s/%s", outdir, sub, name);
	if ((fp = fopen(path, "wb")) == NULL || fwrite(buf, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

/* A message as nv_recv's input: flags, data chunks, then one chunk per
 * batch of descriptors (each a zero byte, as the protocol sends them). */
static void write_recv_seed(const char *name, const uint8_t *msg, size_t len, size_t ndesc,
                            int flags)
{
	uint8_t *out = malloc(1 + len + 2 * (len / 255 + 1) + 3 * (ndesc + 1));
	size_t n = 0;

	out[n++] = (uint8_t)flags;
	for (size_t off = 0; off < len; off += 255) {
		size_t k = len - off < 255 ? len - off : 255;

		out[n++] = 0;
		out[n++] = (uint8_t)k;
		memcpy(out + n, msg + off, k);
		n += k;
	}
	if (ndesc > 0) { /* the seeds keep to one batch */
		out[n++] = (uint8_t)(ndesc << 1 | 1);
		out[n++] = 1;
		out[n++] = 0;
	}
	write_file("nv_recv", name, out, n);
	free(out);
}

/* A seed; with over_limit, one the library refuses to pack (and every
 * unpacker must refuse), written by the encoder all the same. */
static void seed_as(const char *name, nvlist_t *nvl, bool over_limit)
{
	struct nv_census c;
	int fds[64];
	uint8_t *msg;

	if (nvlist_error(nvl) != 0) {
		fprintf(stderr, "%s: error %d\n", name, nvlist_error(nvl));
		exit(1);
	}
	nv_census(nvl, &c);
	if (c.ndesc > 64 || (nv_census_check(&c) != 0) != over_limit ||
	    (msg = nv_encode(nvl, &c, fds)) == NULL)
		exit(1);
	if (c.ndesc == 0)
		write_file("nv_unpack", name, msg, c.size);
	write_recv_seed(name, msg, c.size, c.ndesc, nvlist_flags(nvl));
	free(msg);
	nvlist_destroy(nvl);
}

static void seed(const char *name, nvlist_t *nvl)
{
	seed_as(name, nvl, false);
}

static nvlist_t *scalars(void)
{
	nvlist_t *nvl = nvlist_create(0);

	nvlist_add_null(nvl, "null");
	nvlist_add_bool(nvl, "bool", true);
	nvlist_add_number(nvl, "number", 0x1122334455667788ull);
	nvlist_add_string(nvl, "string", "value");
	nvlist_add_binary(nvl, "binary", "\x00\x01\xfe\xff", 4);
	return nvl;
}

static nvlist_t *arrays(void)
{
	nvlist_t *nvl = nvlist_create(0);

	nvlist_add_bool_array(nvl, "bools", (const bool[]){true, false}, 2);
	nvlist_add_number_array(nvl, "numbers", (const uint64_t[]){1, 2, UINT64_MAX}, 3);
	nvlist_add_string_array(nvl, "strings", (const char *const[]){"a", "", "ccc"}, 3);
	return nvl;
}

static nvlist_t *nested(int depth, int flags)
{
	nvlist_t *nvl = nvlist_create(flags);

	nvlist_add_number(nvl, "depth", (uint64_t)depth);
	if (depth > 0)
		nvlist_move_nvlist(nvl, "child", nested(depth - 1, flags));
	return nvl;
}

static nvlist_t *list_array(void)
{
	nvlist_t *nvl = nvlist_create(0), *a = scalars(), *b = arrays();
	const nvlist_t *elems[] = {a, b};

	nvlist_add_nvlist_array(nvl, "lists", elems, 2);
	nvlist_add_string(nvl, "after", "x");
	nvlist_destroy(a);
	nvlist_destroy(b);
	return nvl;
}

static nvlist_t *casper_request(int flags)
{
	nvlist_t *nvl = nvlist_create(flags), *limits = nvlist_create(NV_FLAG_NO_UNIQUE);

	nvlist_add_string(nvl, "cmd", "limit_set");
	nvlist_add_null(limits, "/etc/passwd");
	nvlist_add_null(limits, "/etc/passwd");
	nvlist_add_number(limits, "flags", 0);
	nvlist_move_nvlist(nvl, "limits", limits);
	nvlist_add_number(nvl, "error", 0);
	return nvl;
}

static nvlist_t *with_descriptors(int fd)
{
	nvlist_t *nvl = nvlist_create(0), *sub = nvlist_create(0);

	nvlist_add_descriptor(nvl, "fd", fd);
	nvlist_add_descriptor_array(sub, "fds", (const int[]){fd, fd, fd}, 3);
	nvlist_move_nvlist(nvl, "sub", sub);
	nvlist_add_string(nvl, "cmd", "open");
	return nvl;
}

int main(int argc, char **argv)
{
	nvlist_t *ci = nvlist_create(NV_FLAG_IGNORE_CASE);
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (argc != 2 || fd < 0) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	outdir = argv[1];
	nvlist_add_string(ci, "Name", "case-blind");
	nvlist_add_number(ci, "OTHER", 1);
	seed("empty", nvlist_create(0));
	seed("scalars", scalars());
	seed("arrays", arrays());
	seed("nested-3", nested(3, 0));
	seed("nested-16-ignore-case", nested(16, NV_FLAG_IGNORE_CASE));
	seed("nested-64", nested(64, 0)); /* the deepest allowed */
	seed_as("nested-65-refused", nested(65, 0), true);
	seed("list-array", list_array());
	seed("casper-request", casper_request(0));
	seed("no-unique-top", casper_request(NV_FLAG_NO_UNIQUE));
	seed("ignore-case", ci);
	seed("descriptors", with_descriptors(fd));
	close(fd);
	return 0;
}
