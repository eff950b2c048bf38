/*
 * The name index of a list: a chained hash table beside the insertion
 * order.  Without it, unpacking n entries with unique names costs n^2
 * comparisons, which a peer could use to stall a service.  The hash is
 * keyed per list from the kernel's AT_RANDOM bytes, so that a peer cannot
 * easily pick names that share one chain (and NV_SIZE_MAX bounds the
 * harm if it does).  Chains keep insertion order:
 * with NV_FLAG_NO_UNIQUE the first entry of a name is the one found.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "nv_impl.h"

#define INDEX_MIN 8

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool ignores_case(const nvlist_t *nvl)
{
	return (nvl->nvl_flags & NV_FLAG_IGNORE_CASE) != 0;
}

static bool names_equal(const nvlist_t *nvl, const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	if (!ignores_case(nvl))
		return strcmp(a, b) == 0;
	/* ASCII folding, as the hash does: a locale must not change which names match. */
	for (; fold(*x) == fold(*y); x++, y++) {
		if (*x == '\0')
			return true;
	}
	return false;
}

/* FNV-1a over the (folded) name, started from the list's key. */
static uint64_t hash_name(const nvlist_t *nvl, const char *name)
{
	uint64_t h = nvl->nvl_seed ^ 0xcbf29ce484222325ull;
	bool fold_case = ignores_case(nvl);

	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
		h ^= fold_case ? fold(*p) : *p;
		h *= 0x100000001b3ull;
	}
	return h ^ (h >> 32);
}

uint64_t nv_index_seed(const nvlist_t *nvl)
{
	const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
	uint64_t seed = (uint64_t)(uintptr_t)nvl * 0x9e3779b97f4a7c15ull;

	if (random != NULL) {
		uint64_t r;

		memcpy(&r, random + 8, sizeof(r));
		seed ^= r;
	}
	return seed;
}

static struct nv_bucket *bucket(const nvlist_t *nvl, uint64_t hash)
{
	return &nvl->nvl_buckets[hash & (nvl->nvl_nbuckets - 1)];
}

static void chain_append(nvlist_t *nvl, nvpair_t *nvp)
{
	struct nv_bucket *b = bucket(nvl, nvp->nvp_hash);

	nvp->nvp_hnext = NULL;
	if (b->tail != NULL)
		b->tail->nvp_hnext = nvp;
	else
		b->head = nvp;
	b->tail = nvp;
}

/* Rebuilds the table with n (a power of two) buckets, in insertion order. */
static int resize(nvlist_t *nvl, size_t n)
{
	struct nv_bucket *buckets = calloc(n, sizeof(*buckets));

	if (buckets == NULL)
		return -ENOMEM;
	free(nvl->nvl_buckets);
	nvl->nvl_buckets = buckets;
	nvl->nvl_nbuckets = n;
	for (nvpair_t *nvp = nvl->nvl_head; nvp != NULL; nvp = nvp->nvp_next)
		chain_append(nvl, nvp);
	return 0;
}

/* Indexes an entry not yet linked into the list. */
int nv_index_add(nvlist_t *nvl, nvpair_t *nvp)
{
	nvp->nvp_hash = hash_name(nvl, nvp->nvp_name);
	if (nvl->nvl_buckets == NULL && resize(nvl, INDEX_MIN) != 0)
		return -ENOMEM;
	/* Growing is an optimisation: when it fails, chains just get longer. */
	if (nvl->nvl_count >= nvl->nvl_nbuckets && nvl->nvl_nbuckets <= SIZE_MAX / 4)
		(void)resize(nvl, nvl->nvl_nbuckets * 2);
	chain_append(nvl, nvp);
	return 0;
}

void nv_index_del(nvlist_t *nvl, nvpair_t *nvp)
{
	struct nv_bucket *b = bucket(nvl, nvp->nvp_hash);
	nvpair_t *prev = NULL;

	/* Usually at the head: the first of a name is the one removed. */
	for (nvpair_t *p = b->head; p != nvp; p = p->nvp_hnext)
		prev = p;
	if (prev != NULL)
		prev->nvp_hnext = nvp->nvp_hnext;
	else
		b->head = nvp->nvp_hnext;
	if (b->tail == nvp)
		b->tail = prev;
	nvp->nvp_hnext = NULL;
}

/* The first entry named name of the given type (NV_TYPE_NONE: any). */
nvpair_t *nv_index_find(const nvlist_t *nvl, int type, const char *name)
{
	uint64_t hash;

	if (nvl->nvl_buckets == NULL)
		return NULL;
	hash = hash_name(nvl, name);
	for (nvpair_t *nvp = bucket(nvl, hash)->head; nvp != NULL; nvp = nvp->nvp_hnext) {
		if (nvp->nvp_hash == hash && (type == NV_TYPE_NONE || nvp->nvp_type == type) &&
		    names_equal(nvl, nvp->nvp_name, name))
			return nvp;
	}
	return NULL;
}

void nv_index_free(nvlist_t *nvl)
{
	free(nvl->nvl_buckets);
	nvl->nvl_buckets = NULL;
	nvl->nvl_nbuckets = 0;
}
