/*
 * libnv internals: the list and pair structures and the functions the
 * files of src/nv share.  Nothing here is exported (libnv.map).
 *
 * Error convention: functions returning int give 0 or -errno; functions
 * returning a pointer give NULL with errno set, like malloc(3).  The public
 * functions set errno once, at the boundary.
 */
#ifndef NV_IMPL_H
#define NV_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/nv.h>

#define NV_HIDDEN __attribute__((visibility("hidden")))

/* Stamped into every live list and pair, cleared before they are freed,
 * and checked at each public entry point. */
#define NVLIST_MAGIC 0x6e766c73u
#define NVPAIR_MAGIC 0x6e767072u

/* Private list flags, outside NV_FLAG_PUBLIC_MASK. */
#define NV_FLAG_IN_ARRAY 0x100  /* an element of an nvlist array */
#define NV_FLAG_MARK     0x4000 /* transient: duplicate detection */

#define NV_TYPE_LAST NV_TYPE_DESCRIPTOR_ARRAY

union nv_value {
	bool b;
	uint64_t num;
	char *str;
	nvlist_t *nvl;
	int fd; /* -1 while a descriptor pair holds none */
	struct {
		void *data;
		size_t size;
	} bin;
	struct {
		void *items; /* bool[], uint64_t[], char *[], nvlist_t *[] or int[] */
		size_t nitems;
	} arr;
};

struct nvpair {
	uint32_t nvp_magic;
	int nvp_type;
	nvlist_t *nvp_list; /* the list holding the pair; NULL while detached */
	nvpair_t *nvp_next; /* insertion order */
	nvpair_t *nvp_prev;
	nvpair_t *nvp_hnext; /* index chain, in insertion order */
	uint64_t nvp_hash;
	union nv_value nvp_v;
	size_t nvp_namelen; /* strlen(nvp_name) */
	char nvp_name[];
};

/* A chain of the name index.  The tail makes appending O(1): in a list
 * with NV_FLAG_NO_UNIQUE a peer can send any number of one name, which
 * all share a chain. */
struct nv_bucket {
	nvpair_t *head;
	nvpair_t *tail;
};

struct nvlist {
	uint32_t nvl_magic;
	int nvl_error; /* sticky: the first failure of an add */
	int nvl_flags;
	nvpair_t *nvl_parent;     /* the NVLIST or NVLIST_ARRAY pair holding this list */
	nvlist_t *nvl_array_next; /* next element of the same array */
	nvpair_t *nvl_head;
	nvpair_t *nvl_tail;
	size_t nvl_count;
	struct nv_bucket *nvl_buckets; /* name index; NULL until the first insert */
	size_t nvl_nbuckets;
	uint64_t nvl_seed; /* keys the index hash (colliding names from a peer) */
};

/* fail.c: contract violations end the process, as in FreeBSD. */
NV_HIDDEN _Noreturn void nv_abort(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
NV_HIDDEN void nv_check_list(const nvlist_t *nvl, const char *func);
NV_HIDDEN void nv_check_pair(const nvpair_t *nvp, const char *func);
NV_HIDDEN _Noreturn void nv_missing(const char *func, const char *name, int type);
NV_HIDDEN const char *nv_type_name(int type);
#define NVLIST_ASSERT(nvl) nv_check_list((nvl), __func__)
#define NVPAIR_ASSERT(nvp) nv_check_pair((nvp), __func__)

/* nvlist.c */
NV_HIDDEN bool nv_can_add(const nvlist_t *nvl);
NV_HIDDEN void nv_fail(nvlist_t *nvl, int error);
NV_HIDDEN void nv_list_free(nvlist_t *nvl);
NV_HIDDEN const nvlist_t *nv_root(const nvlist_t *nvl);

/* nvpair.c */
NV_HIDDEN nvpair_t *nv_pair_new(const char *name, int type);
NV_HIDDEN void nv_pair_free(nvpair_t *nvp);
NV_HIDDEN void nv_pair_free_shell(nvpair_t *nvp);
NV_HIDDEN void nv_value_attach(nvpair_t *nvp);
NV_HIDDEN void nv_value_detach(nvpair_t *nvp);
NV_HIDDEN bool nv_type_is_array(int type);

/* values.c: deep copies and releases of a value of a given type. */
NV_HIDDEN int nv_copy_value(int type, const union nv_value *src, union nv_value *dst);
NV_HIDDEN void nv_release_value(int type, union nv_value *v);
NV_HIDDEN void nv_close_fds(const int *fds, size_t n);
NV_HIDDEN size_t nv_elem_size(int type);

/* index.c: the name index of a list. */
NV_HIDDEN uint64_t nv_index_seed(const nvlist_t *nvl);
NV_HIDDEN int nv_index_add(nvlist_t *nvl, nvpair_t *nvp);
NV_HIDDEN void nv_index_del(nvlist_t *nvl, nvpair_t *nvp);
NV_HIDDEN nvpair_t *nv_index_find(const nvlist_t *nvl, int type, const char *name);
NV_HIDDEN void nv_index_free(nvlist_t *nvl);

/* lookup.c */
NV_HIDDEN int nv_insert(nvlist_t *nvl, nvpair_t *nvp);
NV_HIDDEN void nv_unlink(nvpair_t *nvp);
NV_HIDDEN nvpair_t *nv_find(const nvlist_t *nvl, int type, const char *name, const char *func);
NV_HIDDEN nvpair_t *nv_lookup(const nvlist_t *nvl, int type, const char *name, const char *func);
NV_HIDDEN union nv_value nv_take_pair(nvpair_t *nvp);

/* move.c: the end of every add and move. */
NV_HIDDEN void nv_move_value(nvlist_t *nvl, const char *name, int type, union nv_value *v);
NV_HIDDEN void nv_reject(nvlist_t *nvl, int type, union nv_value *v, int error);
NV_HIDDEN bool nv_lists_movable(const nvlist_t *nvl, nvlist_t *const *lists, size_t n);

/* size.c: what packing a list needs, found in one walk. */
struct nv_census {
	size_t size;  /* bytes of the packed message, saturating at SIZE_MAX */
	size_t ndesc; /* descriptors it carries */
	size_t depth; /* deepest nesting below the list */
};
NV_HIDDEN void nv_census(const nvlist_t *nvl, struct nv_census *c);
NV_HIDDEN int nv_census_check(const struct nv_census *c);

/* pack.c, unpack.c */
NV_HIDDEN uint8_t *nv_encode(const nvlist_t *nvl, const struct nv_census *c, int *fds);
struct nv_header {
	int flags;
	size_t ndesc;
	size_t size; /* body bytes after the header */
};
NV_HIDDEN int nv_header_decode(const uint8_t *buf, struct nv_header *h);
NV_HIDDEN nvlist_t *nv_unpack(const uint8_t *buf, size_t size, const int *fds, size_t nfds,
                              int flags);

/* io.c: the socket side of nvlist_send() and nvlist_recv(). */
NV_HIDDEN int nv_send_all(int sock, const void *buf, size_t len);
NV_HIDDEN int nv_send_fds(int sock, const int *fds, size_t n);
NV_HIDDEN int nv_recv_all(int sock, void *buf, size_t len);
NV_HIDDEN int nv_recv_fds(int sock, int *fds, size_t n);

#endif /* !NV_IMPL_H */
