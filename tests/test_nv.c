/*
 * libnv: FreeBSD's nvlist semantics (every type, arrays, nesting, the
 * sticky error, duplicate and case-blind names, aborts on a missing
 * entry), the packed format and its strict unpacker (every truncation,
 * a table of malformed messages, single-byte mutations), and the
 * transport (descriptors in batches, peers that stop or lie, partial
 * writes, EINTR, non-blocking sockets, no descriptor left behind).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>

#include <sys/cnv.h>
#include <sys/dnv.h>
#include <sys/nv.h>

#include "harness.h"

/* The format's constants, as docs/NV_FORMAT.md gives them: the tests
 * build messages by hand, independently of the packer. */
#define HDR_SIZE  16
#define SIZE_MAX_ ((uint32_t)16 << 20)
#define DEPTH_MAX 64
#define MAGIC     "nvpk"
#define FD_BATCH  128

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* ---- helpers ------------------------------------------------------------------------------ */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	ck_assert_int_eq(fstat(a, &sa), 0);
	ck_assert_int_eq(fstat(b, &sb), 0);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int new_file(void)
{
	int fd = memfd_create("nv-test", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static void sockets(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

static void raise_nofile(void)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = rl.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_uint_ge(rl.rlim_cur, 1024);
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		ck_assert_int_gt(n, 0);
		p += n;
		len -= (size_t)n;
	}
}

/* One batch as the protocol sends it: a zero byte carrying the descriptors. */
static void send_batch(int sock, const int *fds, size_t n, char byte)
{
	char ctl[CMSG_SPACE(256 * sizeof(int))];
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;

	memset(ctl, 0, sizeof(ctl));
	if (n > 0) {
		msg.msg_control = ctl;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	ck_assert_int_eq(sendmsg(sock, &msg, MSG_NOSIGNAL), 1);
}

static void *pack_ok(const nvlist_t *nvl, size_t *size)
{
	void *buf = nvlist_pack(nvl, size);

	ck_assert_msg(buf != NULL, "nvlist_pack: %s", strerror(errno));
	ck_assert_uint_eq(*size, nvlist_size(nvl));
	return buf;
}

/* A list with every type a packed message can hold, nested and in arrays. */
static nvlist_t *rich_list(void)
{
	static const bool bools[] = {true, false, true};
	static const uint64_t nums[] = {0, 1, UINT64_MAX};
	static const char *const strs[] = {"", "two", "three"};
	static const uint8_t bin[] = {0, 1, 2, 0xff};
	nvlist_t *nvl = nvlist_create(0), *sub = nvlist_create(NV_FLAG_IGNORE_CASE);
	nvlist_t *multi = nvlist_create(NV_FLAG_NO_UNIQUE);
	const nvlist_t *elems[] = {sub, multi};

	nvlist_add_null(nvl, "null");
	nvlist_add_bool(nvl, "bool", true);
	nvlist_add_number(nvl, "number", 0x0123456789abcdefull);
	nvlist_add_string(nvl, "string", "hello");
	nvlist_add_string(nvl, "", "empty name");
	nvlist_add_binary(nvl, "binary", bin, sizeof(bin));
	nvlist_add_bool_array(nvl, "bools", bools, 3);
	nvlist_add_number_array(nvl, "numbers", nums, 3);
	nvlist_add_string_array(nvl, "strings", strs, 3);
	nvlist_add_string(sub, "Inner", "x");
	nvlist_add_nvlist(nvl, "nvlist", sub);
	nvlist_add_number(multi, "dup", 1);
	nvlist_add_number(multi, "dup", 2);
	nvlist_add_nvlist_array(nvl, "nvlists", elems, 2);
	nvlist_destroy(sub);
	nvlist_destroy(multi);
	ck_assert_int_eq(nvlist_error(nvl), 0);
	return nvl;
}

static void check_rich(const nvlist_t *nvl)
{
	const nvlist_t *const *elems;
	const uint64_t *nums;
	const char *const *strs;
	const bool *bools;
	const uint8_t *bin;
	size_t n;
	void *cookie = NULL;
	int type;

	ck_assert(nvlist_exists_null(nvl, "null"));
	ck_assert(nvlist_get_bool(nvl, "bool"));
	ck_assert(nvlist_get_number(nvl, "number") == 0x0123456789abcdefull);
	ck_assert_str_eq(nvlist_get_string(nvl, "string"), "hello");
	ck_assert_str_eq(nvlist_get_string(nvl, ""), "empty name");
	bin = nvlist_get_binary(nvl, "binary", &n);
	ck_assert(n == 4 && bin[0] == 0 && bin[3] == 0xff);
	bools = nvlist_get_bool_array(nvl, "bools", &n);
	ck_assert(n == 3 && bools[0] && !bools[1] && bools[2]);
	nums = nvlist_get_number_array(nvl, "numbers", &n);
	ck_assert(n == 3 && nums[0] == 0 && nums[1] == 1 && nums[2] == UINT64_MAX);
	strs = nvlist_get_string_array(nvl, "strings", &n);
	ck_assert(n == 3 && strcmp(strs[0], "") == 0 && strcmp(strs[2], "three") == 0);
	ck_assert_int_eq(nvlist_flags(nvlist_get_nvlist(nvl, "nvlist")), NV_FLAG_IGNORE_CASE);
	ck_assert_str_eq(nvlist_get_string(nvlist_get_nvlist(nvl, "nvlist"), "inner"), "x");
	elems = nvlist_get_nvlist_array(nvl, "nvlists", &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(nvlist_flags(elems[1]), NV_FLAG_NO_UNIQUE);
	ck_assert_str_eq(nvlist_next(elems[1], &type, &cookie), "dup");
	ck_assert_str_eq(nvlist_next(elems[1], &type, &cookie), "dup");
	ck_assert(cnvlist_get_number(cookie) == 2);
}

/* ---- life cycle and flags ----------------------------------------------------------------- */

START_TEST(create_and_flags)
{
	nvlist_t *nvl = nvlist_create(NV_FLAG_IGNORE_CASE | NV_FLAG_NO_UNIQUE);

	ck_assert_ptr_nonnull(nvl);
	ck_assert_int_eq(nvlist_flags(nvl), NV_FLAG_IGNORE_CASE | NV_FLAG_NO_UNIQUE);
	ck_assert(nvlist_empty(nvl));
	ck_assert_int_eq(nvlist_error(nvl), 0);
	nvlist_add_null(nvl, "x");
	ck_assert(!nvlist_empty(nvl));
	errno = 1234;
	nvlist_destroy(nvl);
	ck_assert_int_eq(errno, 1234); /* destroy leaves errno alone */
	nvlist_destroy(NULL);
	ck_assert_int_eq(nvlist_error(NULL), ENOMEM);
	errno = 0;
	ck_assert_ptr_null(nvlist_create(0x80));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(NV_FLAG_PUBLIC_MASK, 0x03);
	ck_assert_int_eq(NV_FLAG_ALL_MASK, 0x183);
	ck_assert_int_eq(NV_TYPE_DESCRIPTOR_ARRAY, 12);
	ck_assert_int_eq(NV_NAME_MAX, 2048);
}
END_TEST

/* A failed nvlist_create() behaves as a list out of memory. */
START_TEST(null_list_is_out_of_memory)
{
	int fd = new_file();

	errno = 0;
	nvlist_add_number(NULL, "n", 1);
	ck_assert_int_eq(errno, ENOMEM);
	nvlist_move_descriptor(NULL, "fd", fd);
	ck_assert(!fd_is_open(fd)); /* moved into nothing: closed */
	ck_assert_fails(nvlist_send(0, NULL), ENOMEM);
}
END_TEST

START_TEST(exports_only_the_api)
{
	ck_assert_ptr_nonnull(dlsym(RTLD_DEFAULT, "nvlist_create"));
	ck_assert_ptr_nonnull(dlsym(RTLD_DEFAULT, "cnvlist_take_descriptor_array"));
	ck_assert_ptr_nonnull(dlsym(RTLD_DEFAULT, "dnvlist_take_binary"));
	ck_assert_ptr_null(dlsym(RTLD_DEFAULT, "nv_unpack"));
	ck_assert_ptr_null(dlsym(RTLD_DEFAULT, "nv_insert"));
	ck_assert_ptr_null(dlsym(RTLD_DEFAULT, "nv_abort"));
}
END_TEST

/* ---- every type: add, exists, get, take, free ------------------------------------------- */

START_TEST(scalars_add_get)
{
	nvlist_t *nvl = nvlist_create(0), *sub = nvlist_create(0);
	char str[] = "text";
	uint8_t bin[] = {1, 2, 3};
	size_t size;
	int fd = new_file();

	nvlist_add_number(sub, "inner", 7);
	nvlist_add_null(nvl, "null");
	nvlist_add_bool(nvl, "bool", true);
	nvlist_add_number(nvl, "number", UINT64_MAX);
	nvlist_add_string(nvl, "string", str);
	nvlist_add_stringf(nvl, "stringf", "%s-%d", "x", 42);
	nvlist_add_nvlist(nvl, "nvlist", sub);
	nvlist_add_descriptor(nvl, "descriptor", fd);
	nvlist_add_binary(nvl, "binary", bin, sizeof(bin));
	ck_assert_int_eq(nvlist_error(nvl), 0);

	ck_assert(nvlist_exists_null(nvl, "null") && !nvlist_exists_bool(nvl, "null"));
	ck_assert(nvlist_get_bool(nvl, "bool"));
	ck_assert(nvlist_get_number(nvl, "number") == UINT64_MAX);
	ck_assert_str_eq(nvlist_get_string(nvl, "string"), "text");
	ck_assert_ptr_ne(nvlist_get_string(nvl, "string"), str); /* a copy */
	ck_assert_str_eq(nvlist_get_string(nvl, "stringf"), "x-42");
	ck_assert(nvlist_get_number(nvlist_get_nvlist(nvl, "nvlist"), "inner") == 7);
	ck_assert_ptr_ne(nvlist_get_nvlist(nvl, "nvlist"), sub);
	ck_assert_int_ne(nvlist_get_descriptor(nvl, "descriptor"), fd); /* dup'ed */
	ck_assert(same_file(nvlist_get_descriptor(nvl, "descriptor"), fd));
	ck_assert_int_eq(fcntl(nvlist_get_descriptor(nvl, "descriptor"), F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(memcmp(nvlist_get_binary(nvl, "binary", &size), bin, 3), 0);
	ck_assert_uint_eq(size, 3);
	ck_assert(nvlist_exists(nvl, "binary") && !nvlist_exists(nvl, "nope"));
	ck_assert(nvlist_exists_type(nvl, "bool", NV_TYPE_BOOL));
	ck_assert(!nvlist_exists_type(nvl, "bool", NV_TYPE_NUMBER));
	ck_assert(nvlist_exists_type(nvl, "bool", NV_TYPE_NONE));
	nvlist_destroy(sub);
	nvlist_destroy(nvl);
	ck_assert(fd_is_open(fd)); /* the caller's own descriptor stays */
}
END_TEST

/* Each exists_<type> answers for its own type only. */
START_TEST(exists_by_type)
{
	static bool (*const exists[])(const nvlist_t *, const char *) = {
	    NULL,
	    nvlist_exists_null,
	    nvlist_exists_bool,
	    nvlist_exists_number,
	    nvlist_exists_string,
	    nvlist_exists_nvlist,
	    nvlist_exists_descriptor,
	    nvlist_exists_binary,
	    nvlist_exists_bool_array,
	    nvlist_exists_number_array,
	    nvlist_exists_string_array,
	    nvlist_exists_nvlist_array,
	    nvlist_exists_descriptor_array,
	};
	nvlist_t *nvl = rich_list();
	int fd = new_file();
	void *cookie = NULL;
	const char *name;
	int type, seen = 0;

	nvlist_add_descriptor(nvl, "fd", fd);
	nvlist_add_descriptor_array(nvl, "fds", &fd, 1);
	while ((name = nvlist_next(nvl, &type, &cookie)) != NULL) {
		for (int t = NV_TYPE_NULL; t <= NV_TYPE_DESCRIPTOR_ARRAY; t++)
			ck_assert_msg(exists[t](nvl, name) == (t == type), "%s as %d", name, t);
		seen |= 1 << type;
	}
	ck_assert_int_eq(seen, 0x1ffe); /* all twelve types were there */
	nvlist_destroy(nvl);
}
END_TEST

START_TEST(arrays_add_get)
{
	nvlist_t *nvl = nvlist_create(0), *a = nvlist_create(0), *b = nvlist_create(0);
	bool bools[] = {false, true};
	uint64_t nums[] = {5, 6, 7};
	const char *strs[] = {"a", "bc"};
	const nvlist_t *lists[] = {a, b};
	const nvlist_t *const *got;
	int fds[] = {new_file(), new_file()};
	const int *gfds;
	size_t n;

	nvlist_add_number(a, "i", 0);
	nvlist_add_number(b, "i", 1);
	nvlist_add_bool_array(nvl, "bools", bools, 2);
	nvlist_add_number_array(nvl, "nums", nums, 3);
	nvlist_add_string_array(nvl, "strs", strs, 2);
	nvlist_add_nvlist_array(nvl, "lists", lists, 2);
	nvlist_add_descriptor_array(nvl, "fds", fds, 2);
	ck_assert_int_eq(nvlist_error(nvl), 0);
	ck_assert(nvlist_get_bool_array(nvl, "bools", &n)[1] && n == 2);
	ck_assert(nvlist_get_number_array(nvl, "nums", &n)[2] == 7 && n == 3);
	ck_assert_ptr_ne(nvlist_get_number_array(nvl, "nums", NULL), nums);
	ck_assert_str_eq(nvlist_get_string_array(nvl, "strs", &n)[1], "bc");
	ck_assert_ptr_ne(nvlist_get_string_array(nvl, "strs", NULL)[1], strs[1]);
	got = nvlist_get_nvlist_array(nvl, "lists", &n);
	ck_assert(n == 2 && nvlist_get_number(got[1], "i") == 1 && got[0] != a);
	gfds = nvlist_get_descriptor_array(nvl, "fds", &n);
	ck_assert(n == 2 && gfds[0] != fds[0] && same_file(gfds[1], fds[1]));
	nvlist_destroy(a);
	nvlist_destroy(b);
	nvlist_destroy(nvl);
}
END_TEST

START_TEST(take_every_type)
{
	nvlist_t *nvl = rich_list(), *sub;
	int fd = new_file(), got, *fds;
	char *s, **strs;
	bool *bools;
	uint64_t *nums;
	nvlist_t **lists;
	void *bin;
	size_t n;

	nvlist_add_descriptor(nvl, "fd", fd);
	nvlist_add_descriptor_array(nvl, "fds", &fd, 1);
	ck_assert(nvlist_take_bool(nvl, "bool"));
	ck_assert(nvlist_take_number(nvl, "number") == 0x0123456789abcdefull);
	s = nvlist_take_string(nvl, "string");
	ck_assert_str_eq(s, "hello");
	free(s);
	sub = nvlist_take_nvlist(nvl, "nvlist");
	ck_assert_ptr_null(nvlist_get_parent(sub, NULL)); /* stands alone now */
	nvlist_destroy(sub);
	got = nvlist_take_descriptor(nvl, "fd");
	ck_assert(same_file(got, fd));
	close(got);
	bin = nvlist_take_binary(nvl, "binary", &n);
	ck_assert_uint_eq(n, 4);
	free(bin);
	bools = nvlist_take_bool_array(nvl, "bools", &n);
	ck_assert(n == 3 && bools[2]);
	free(bools);
	nums = nvlist_take_number_array(nvl, "numbers", &n);
	ck_assert(n == 3 && nums[2] == UINT64_MAX);
	free(nums);
	strs = nvlist_take_string_array(nvl, "strings", &n);
	ck_assert(n == 3 && strcmp(strs[1], "two") == 0);
	for (size_t i = 0; i < n; i++)
		free(strs[i]);
	free(strs);
	lists = nvlist_take_nvlist_array(nvl, "nvlists", &n);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++) {
		ck_assert(!nvlist_in_array(lists[i]) && nvlist_get_parent(lists[i], NULL) == NULL);
		nvlist_destroy(lists[i]);
	}
	free(lists);
	fds = nvlist_take_descriptor_array(nvl, "fds", &n);
	ck_assert(n == 1 && same_file(fds[0], fd));
	close(fds[0]);
	free(fds);
	nvlist_free_null(nvl, "null");
	nvlist_free_string(nvl, "");
	ck_assert(nvlist_empty(nvl));
	nvlist_destroy(nvl);
}
END_TEST

START_TEST(free_every_type)
{
	static void (*const frees[])(nvlist_t *, const char *) = {
	    nvlist_free_null,         nvlist_free_bool,         nvlist_free_number,
	    nvlist_free_string,       nvlist_free_nvlist,       nvlist_free_descriptor,
	    nvlist_free_binary,       nvlist_free_bool_array,   nvlist_free_number_array,
	    nvlist_free_string_array, nvlist_free_nvlist_array, nvlist_free_descriptor_array,
	};
	nvlist_t *nvl = rich_list();
	int fd = new_file(), held, held_array;
	void *cookie = NULL;
	const char *name;
	int type;

	nvlist_add_descriptor(nvl, "fd", fd);
	nvlist_add_descriptor_array(nvl, "fds", &fd, 1);
	held = nvlist_get_descriptor(nvl, "fd");
	held_array = nvlist_get_descriptor_array(nvl, "fds", NULL)[0];
	nvlist_free_string(nvl, "");
	/* Free the first entry of each type through its own function. */
	while ((name = nvlist_next(nvl, &type, &cookie)) != NULL) {
		char copy[64];

		snprintf(copy, sizeof(copy), "%s", name);
		frees[type - 1](nvl, copy);
		ck_assert(!nvlist_exists(nvl, copy));
		cookie = NULL;
	}
	ck_assert(nvlist_empty(nvl));
	ck_assert(!fd_is_open(held) && !fd_is_open(held_array)); /* closed with their entries */
	nvlist_add_number(nvl, "a", 1);
	nvlist_add_string(nvl, "b", "x");
	nvlist_free(nvl, "a");
	nvlist_free_type(nvl, "b", NV_TYPE_STRING);
	ck_assert(nvlist_empty(nvl));
	nvlist_destroy(nvl);
}
END_TEST

/* Destroying a list closes its descriptors, nested ones included. */
START_TEST(destroy_closes_descriptors)
{
	nvlist_t *nvl = nvlist_create(0), *sub = nvlist_create(0);
	int fd = new_file(), before = count_fds();

	nvlist_add_descriptor(sub, "fd", fd);
	nvlist_add_descriptor_array(sub, "fds", (int[]){fd, fd, fd}, 3);
	nvlist_move_nvlist(nvl, "sub", sub);
	nvlist_add_nvlist_array(nvl, "arr", (const nvlist_t *[]){sub, sub}, 2);
	ck_assert_int_eq(nvlist_error(nvl), 0);
	ck_assert_int_eq(count_fds(), before + 4 + 8);
	nvlist_destroy(nvl);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

/* ---- moves -------------------------------------------------------------------------------- */

START_TEST(move_every_type)
{
	nvlist_t *nvl = nvlist_create(0), *sub = nvlist_create(0);
	char *s = strdup("moved"), **strs = malloc(2 * sizeof(char *));
	void *bin = malloc(3);
	bool *bools = calloc(2, sizeof(bool));
	uint64_t *nums = calloc(2, sizeof(uint64_t));
	nvlist_t **lists = malloc(sizeof(nvlist_t *));
	int fd = new_file(), *fds = malloc(sizeof(int));

	strs[0] = strdup("a");
	strs[1] = strdup("b");
	lists[0] = nvlist_create(0);
	fds[0] = new_file();
	nvlist_move_string(nvl, "s", s);
	nvlist_move_nvlist(nvl, "l", sub);
	nvlist_move_descriptor(nvl, "fd", fd);
	nvlist_move_binary(nvl, "bin", bin, 3);
	nvlist_move_bool_array(nvl, "bools", bools, 2);
	nvlist_move_number_array(nvl, "nums", nums, 2);
	nvlist_move_string_array(nvl, "strs", strs, 2);
	nvlist_move_nvlist_array(nvl, "lists", lists, 1);
	nvlist_move_descriptor_array(nvl, "fds", fds, 1);
	ck_assert_int_eq(nvlist_error(nvl), 0);
	/* The very values handed over, not copies. */
	ck_assert_ptr_eq(nvlist_get_string(nvl, "s"), s);
	ck_assert_ptr_eq(nvlist_get_nvlist(nvl, "l"), sub);
	ck_assert_int_eq(nvlist_get_descriptor(nvl, "fd"), fd);
	ck_assert_ptr_eq(nvlist_get_binary(nvl, "bin", NULL), bin);
	ck_assert_ptr_eq(nvlist_get_bool_array(nvl, "bools", NULL), bools);
	ck_assert_ptr_eq(nvlist_get_number_array(nvl, "nums", NULL), nums);
	ck_assert_ptr_eq(nvlist_get_string_array(nvl, "strs", NULL), (const char *const *)strs);
	ck_assert_ptr_eq(nvlist_get_nvlist_array(nvl, "lists", NULL)[0], lists[0]);
	ck_assert_ptr_eq(nvlist_get_descriptor_array(nvl, "fds", NULL), fds);
	ck_assert_ptr_eq(nvlist_get_parent(sub, NULL), nvl);
	nvlist_destroy(nvl);
	ck_assert(!fd_is_open(fd));
}
END_TEST

/* A move into a list in error releases what was moved: descriptors are
 * closed, and a moved list is destroyed (closing its descriptors). */
START_TEST(move_into_failed_list_releases)
{
	nvlist_t *nvl = nvlist_create(0), *sub = nvlist_create(0), **lists;
	int fd = new_file(), *fds = malloc(2 * sizeof(int)), inner, fd0, fd1;

	nvlist_add_descriptor(sub, "fd", fd);
	inner = nvlist_get_descriptor(sub, "fd");
	nvlist_set_error(nvl, ENOSPC);
	errno = 0;
	nvlist_move_nvlist(nvl, "sub", sub);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert(!fd_is_open(inner));
	fd0 = fds[0] = new_file();
	fd1 = fds[1] = new_file();
	nvlist_move_descriptor_array(nvl, "fds", fds, 2); /* fds itself is freed */
	ck_assert(!fd_is_open(fd0) && !fd_is_open(fd1));
	lists = malloc(sizeof(*lists));
	lists[0] = nvlist_create(0);
	nvlist_add_descriptor(lists[0], "fd", fd);
	inner = nvlist_get_descriptor(lists[0], "fd");
	nvlist_move_nvlist_array(nvl, "lists", lists, 1);
	ck_assert(!fd_is_open(inner));
	nvlist_move_descriptor(nvl, "fd", fd);
	ck_assert(!fd_is_open(fd));
	nvlist_move_string(nvl, "s", strdup("freed, not leaked"));
	ck_assert_int_eq(nvlist_error(nvl), ENOSPC);
	ck_assert(nvlist_empty(nvl));
	nvlist_destroy(nvl);
}
END_TEST

/* Descriptor arrays moved into a failed list are closed, every one. */
START_TEST(move_descriptor_array_into_failed_list)
{
	nvlist_t *nvl = nvlist_create(0);
	int *fds = malloc(3 * sizeof(int)), copy[3];

	for (int i = 0; i < 3; i++)
		copy[i] = fds[i] = new_file();
	nvlist_add_string(nvl, "x", "1");
	nvlist_add_string(nvl, "x", "2"); /* EEXIST */
	nvlist_move_descriptor_array(nvl, "fds", fds, 3);
	for (int i = 0; i < 3; i++)
		ck_assert(!fd_is_open(copy[i]));
	nvlist_destroy(nvl);
}
END_TEST

/* A failed move (duplicate name) also releases the value. */
START_TEST(move_with_duplicate_name_releases)
{
	nvlist_t *nvl = nvlist_create(0);
	int fd = new_file();

	nvlist_add_null(nvl, "fd");
	nvlist_move_descriptor(nvl, "fd", fd);
	ck_assert_int_eq(nvlist_error(nvl), EEXIST);
	ck_assert(!fd_is_open(fd));
	nvlist_destroy(nvl);
}
END_TEST

/* A list held by another cannot be moved again; a list cannot hold itself. */
START_TEST(move_nvlist_ownership)
{
	nvlist_t *a = nvlist_create(0), *b = nvlist_create(0), *c = nvlist_create(0);
	nvlist_t *sub = nvlist_create(0), *child;

	nvlist_move_nvlist(a, "sub", sub);
	nvlist_move_nvlist(b, "again", sub);
	ck_assert_int_eq(nvlist_error(b), EINVAL);
	ck_assert_ptr_eq(nvlist_get_parent(sub, NULL), a); /* still a's, still alive */
	nvlist_move_nvlist(c, "self", c);
	ck_assert_int_eq(nvlist_error(c), EINVAL);
	nvlist_destroy(c);
	/* The root into its own descendant. */
	c = nvlist_create(0);
	child = (nvlist_t *)nvlist_get_nvlist(a, "sub");
	nvlist_move_nvlist(child, "loop", a);
	ck_assert_int_eq(nvlist_error(child), EINVAL);
	ck_assert_int_eq(nvlist_error(a), 0);
	/* An array naming the same list twice, or a held list. */
	nvlist_t **twice = malloc(2 * sizeof(*twice));
	twice[0] = twice[1] = c;
	nvlist_move_nvlist_array(b, "twice", twice, 2); /* b already failed: still refused */
	nvlist_t *d = nvlist_create(0);
	nvlist_move_nvlist_array(d, "twice", twice, 2);
	ck_assert_int_eq(nvlist_error(d), EINVAL);
	ck_assert_int_eq(nvlist_error(c), 0); /* untouched, still the caller's */
	free(twice);
	nvlist_destroy(c);
	nvlist_destroy(d);
	nvlist_destroy(b);
	nvlist_destroy(a);
}
END_TEST

/* ---- appends ------------------------------------------------------------------------------ */

START_TEST(append_arrays)
{
	nvlist_t *nvl = nvlist_create(0), *e = nvlist_create(0);
	const nvlist_t *const *lists;
	int fd = new_file();
	size_t n;

	for (int i = 0; i < 5; i++) {
		nvlist_append_bool_array(nvl, "b", i % 2);
		nvlist_append_number_array(nvl, "n", (uint64_t)i * 10);
		nvlist_append_string_array(nvl, "s", i == 4 ? "four" : "x");
		nvlist_add_number(e, "i", (uint64_t)i);
		nvlist_append_nvlist_array(nvl, "l", e);
		nvlist_free_number(e, "i");
		nvlist_append_descriptor_array(nvl, "d", fd);
	}
	ck_assert_int_eq(nvlist_error(nvl), 0);
	ck_assert(nvlist_get_bool_array(nvl, "b", &n)[3] && n == 5);
	ck_assert(nvlist_get_number_array(nvl, "n", &n)[4] == 40 && n == 5);
	ck_assert_str_eq(nvlist_get_string_array(nvl, "s", &n)[4], "four");
	lists = nvlist_get_nvlist_array(nvl, "l", &n);
	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		ck_assert(nvlist_get_number(lists[i], "i") == i);
		ck_assert(nvlist_in_array(lists[i]));
		ck_assert_ptr_eq(nvlist_get_parent(lists[i], NULL), nvl);
		ck_assert_ptr_eq(nvlist_get_array_next(lists[i]), i + 1 < n ? lists[i + 1] : NULL);
	}
	ck_assert(same_file(nvlist_get_descriptor_array(nvl, "d", &n)[4], fd) && n == 5);
	/* Appending to a name of another type: the add fails as a duplicate. */
	nvlist_append_number_array(nvl, "s", 1);
	ck_assert_int_eq(nvlist_error(nvl), EEXIST);
	nvlist_destroy(e);
	nvlist_destroy(nvl);
}
END_TEST

/* ---- the sticky error ------------------------------------------------------------------- */

START_TEST(sticky_error)
{
	nvlist_t *nvl = nvlist_create(0), *copy;
	int sv[2];

	sockets(sv);
	nvlist_add_number(nvl, "n", 1);
	errno = 0;
	nvlist_add_string(nvl, "n", "again");
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(nvlist_error(nvl), EEXIST);
	errno = 0;
	nvlist_add_number(nvl, "other", 2); /* now a no-op */
	ck_assert_int_eq(errno, EEXIST);
	ck_assert(!nvlist_exists(nvl, "other"));
	nvlist_set_error(nvl, ENOMEM); /* the first error stays */
	ck_assert_int_eq(nvlist_error(nvl), EEXIST);
	ck_assert_ptr_null(nvlist_pack(nvl, NULL));
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_fails(nvlist_send(sv[0], nvl), EEXIST);
	copy = nvlist_clone(nvl);
	ck_assert(copy == NULL && errno == EEXIST);
	/* Nothing was written: the peer sees a clean end of stream. */
	close(sv[0]);
	ck_assert_ptr_null(nvlist_recv(sv[1], 0));
	ck_assert_int_eq(errno, ENOTCONN);
	nvlist_destroy(nvl);
}
END_TEST

START_TEST(bad_names_and_values)
{
	static char long_name[NV_NAME_MAX + 1];
	/* Through a pointer, so the compiler lets a NULL format through. */
	void (*addf)(nvlist_t *, const char *, const char *, ...) = nvlist_add_stringf;
	nvlist_t *named;

	memset(long_name, 'n', NV_NAME_MAX - 1);
	named = nvlist_create(0);
	nvlist_add_null(named, long_name); /* 2047 characters: the longest */
	ck_assert_int_eq(nvlist_error(named), 0);
	ck_assert(nvlist_exists_null(named, long_name));
	long_name[NV_NAME_MAX - 1] = 'n';
	nvlist_add_null(named, long_name);
	ck_assert_int_eq(nvlist_error(named), ENAMETOOLONG);
	nvlist_destroy(named);

#define EXPECT_ERROR(e, call)                                                                      \
	do {                                                                                       \
		nvlist_t *nvl = nvlist_create(0);                                                  \
		call;                                                                              \
		ck_assert_msg(nvlist_error(nvl) == (e), "%s: error %d", #call, nvlist_error(nvl)); \
		nvlist_destroy(nvl);                                                               \
	} while (0)
	EXPECT_ERROR(EINVAL, nvlist_add_null(nvl, NULL));
	EXPECT_ERROR(EINVAL, nvlist_add_string(nvl, "s", NULL));
	EXPECT_ERROR(EINVAL, addf(nvl, "s", NULL));
	EXPECT_ERROR(EINVAL, nvlist_add_nvlist(nvl, "l", NULL));
	EXPECT_ERROR(EINVAL, nvlist_add_binary(nvl, "b", "x", 0));
	EXPECT_ERROR(EINVAL, nvlist_add_binary(nvl, "b", NULL, 1));
	EXPECT_ERROR(EBADF, nvlist_add_descriptor(nvl, "d", -1));
	EXPECT_ERROR(EBADF, nvlist_add_descriptor(nvl, "d", 999));
	EXPECT_ERROR(EBADF, nvlist_move_descriptor(nvl, "d", -1));
	EXPECT_ERROR(EINVAL, nvlist_add_bool_array(nvl, "a", (bool[]){true}, 0));
	EXPECT_ERROR(EINVAL, nvlist_add_number_array(nvl, "a", NULL, 1));
	EXPECT_ERROR(EINVAL, nvlist_add_string_array(nvl, "a", (const char *[]){"x", NULL}, 2));
	EXPECT_ERROR(EINVAL, nvlist_add_nvlist_array(nvl, "a", (const nvlist_t *[]){NULL}, 1));
	EXPECT_ERROR(EBADF, nvlist_add_descriptor_array(nvl, "a", (int[]){0, -1}, 2));
	EXPECT_ERROR(EINVAL, nvlist_move_string(nvl, "s", NULL));
	EXPECT_ERROR(EINVAL, nvlist_move_nvlist(nvl, "l", NULL));
	EXPECT_ERROR(EINVAL, nvlist_append_number_array(nvl, NULL, 1));
	EXPECT_ERROR(0, nvlist_add_null(nvl, ""));
}
END_TEST

/* A list in error spreads its error to the list it is added to. */
START_TEST(failed_list_spreads_its_error)
{
	nvlist_t *nvl = nvlist_create(0), *bad = nvlist_create(0);
	const nvlist_t *arr[] = {bad};

	nvlist_set_error(bad, EPERM);
	nvlist_add_nvlist(nvl, "bad", bad);
	ck_assert_int_eq(nvlist_error(nvl), EPERM);
	nvlist_destroy(nvl);
	nvl = nvlist_create(0);
	nvlist_add_nvlist_array(nvl, "bad", arr, 1);
	ck_assert_int_eq(nvlist_error(nvl), EPERM);
	nvlist_destroy(nvl);
	nvl = nvlist_create(0);
	nvlist_move_nvlist(nvl, "bad", bad); /* and the moved list is destroyed */
	ck_assert_int_eq(nvlist_error(nvl), EPERM);
	nvlist_destroy(nvl);
}
END_TEST

/* ---- names: duplicates, case ----------------------------------------------------------- */

START_TEST(no_unique_names)
{
	nvlist_t *nvl = nvlist_create(NV_FLAG_NO_UNIQUE);
	const char *name;
	void *cookie = NULL;
	int type, count = 0;

	nvlist_add_number(nvl, "x", 1);
	nvlist_add_string(nvl, "x", "two");
	nvlist_add_number(nvl, "x", 3);
	ck_assert_int_eq(nvlist_error(nvl), 0);
	ck_assert(nvlist_get_number(nvl, "x") == 1); /* the first one */
	ck_assert_str_eq(nvlist_get_string(nvl, "x"), "two");
	while ((name = nvlist_next(nvl, &type, &cookie)) != NULL)
		count += strcmp(name, "x") == 0;
	ck_assert_int_eq(count, 3);
	nvlist_free_number(nvl, "x");
	ck_assert(nvlist_get_number(nvl, "x") == 3);
	nvlist_destroy(nvl);
}
END_TEST

START_TEST(ignore_case_names)
{
	nvlist_t *nvl = nvlist_create(NV_FLAG_IGNORE_CASE), *plain = nvlist_create(0);

	nvlist_add_number(nvl, "Name", 1);
	ck_assert(nvlist_exists_number(nvl, "NAME") && nvlist_exists(nvl, "name"));
	ck_assert(nvlist_get_number(nvl, "nAmE") == 1);
	nvlist_add_number(nvl, "NAME", 2);
	ck_assert_int_eq(nvlist_error(nvl), EEXIST);
	/* ASCII folding only, and only with the flag. */
	nvlist_add_number(plain, "Name", 1);
	nvlist_add_number(plain, "name", 2);
	ck_assert_int_eq(nvlist_error(plain), 0);
	ck_assert(!nvlist_exists(plain, "NAME"));
	ck_assert(nvlist_get_number(plain, "name") == 2);
	nvlist_destroy(nvl);
	nvlist_destroy(plain);
}
END_TEST

/* Many entries: the index must find every one, and keep order on removal. */
START_TEST(many_entries_in_order)
{
	nvlist_t *nvl = nvlist_create(NV_FLAG_IGNORE_CASE);
	char name[32];
	const char *got;
	void *cookie = NULL;
	int i = 0;

	for (int k = 0; k < 5000; k++) {
		snprintf(name, sizeof(name), "Key%d", k);
		nvlist_add_number(nvl, name, (uint64_t)k);
	}
	ck_assert_int_eq(nvlist_error(nvl), 0);
	for (int k = 0; k < 5000; k += 2) {
		snprintf(name, sizeof(name), "KEY%d", k);
		ck_assert(nvlist_get_number(nvl, name) == (uint64_t)k);
		nvlist_free_number(nvl, name);
	}
	while ((got = nvlist_next(nvl, NULL, &cookie)) != NULL) {
		snprintf(name, sizeof(name), "Key%d", 2 * i + 1);
		ck_assert_str_eq(got, name);
		i++;
	}
	ck_assert_int_eq(i, 2500);
	nvlist_destroy(nvl);
}
END_TEST

/* ---- nesting and iteration --------------------------------------------------------------- */

/* FreeBSD's idiom: walk a tree of lists and arrays of lists. */
static void walk(const nvlist_t *top, char *out, size_t len)
{
	const nvlist_t *nvl = top;
	void *cookie = NULL;
	const char *name;
	int type;

	out[0] = '\0';
	do {
		while ((name = nvlist_next(nvl, &type, &cookie)) != NULL) {
			strncat(out, name, len - strlen(out) - 1);
			if (type == NV_TYPE_NVLIST) {
				nvl = nvlist_get_nvlist(nvl, name);
				cookie = NULL;
			} else if (type == NV_TYPE_NVLIST_ARRAY) {
				nvl = nvlist_get_nvlist_array(nvl, name, NULL)[0];
				cookie = NULL;
			}
		}
	} while ((nvl = nvlist_get_pararr(nvl, &cookie)) != NULL);
}

START_TEST(iterate_nested_and_arrays)
{
	nvlist_t *top = nvlist_create(0), *b = nvlist_create(0), *d = nvlist_create(0);
	nvlist_t *h = nvlist_create(0), *empty = nvlist_create(0), *i = nvlist_create(0);
	nvlist_t *j = nvlist_create(0);
	const nvlist_t *elems[] = {h, empty, i};
	char seen[64];

	nvlist_add_number(top, "a", 1);
	nvlist_add_string(b, "c", "x");
	nvlist_add_null(d, "e");
	nvlist_add_nvlist(b, "d", d);
	nvlist_add_bool(b, "f", true);
	nvlist_add_nvlist(top, "b", b);
	nvlist_add_null(h, "h");
	nvlist_add_null(j, "k");
	nvlist_add_nvlist(i, "j", j);
	nvlist_add_nvlist_array(top, "g", elems, 3);
	nvlist_add_number(top, "l", 2);
	walk(top, seen, sizeof(seen));
	ck_assert_str_eq(seen, "abcdefghjkl");
	nvlist_destroy(top);
	nvlist_destroy(b);
	nvlist_destroy(d);
	nvlist_destroy(h);
	nvlist_destroy(empty);
	nvlist_destroy(i);
	nvlist_destroy(j);
}
END_TEST

START_TEST(parents_and_array_links)
{
	nvlist_t *top = nvlist_create(0), *e = nvlist_create(0);
	const nvlist_t *const *arr, *sub;
	const nvlist_t *elems[] = {e, e, e};
	void *cookie = (void *)1;
	int type;

	nvlist_add_number(top, "first", 1);
	nvlist_add_nvlist(top, "sub", e);
	nvlist_add_nvlist_array(top, "arr", elems, 3);
	nvlist_add_number(top, "last", 2);
	sub = nvlist_get_nvlist(top, "sub");
	ck_assert_ptr_eq(nvlist_get_parent(sub, &cookie), top);
	ck_assert_str_eq(cnvlist_name(cookie), "sub"); /* the cookie is the holding entry */
	ck_assert_str_eq(nvlist_next(top, &type, &cookie), "arr");
	ck_assert(!nvlist_in_array(sub) && nvlist_get_array_next(sub) == NULL);
	arr = nvlist_get_nvlist_array(top, "arr", NULL);
	ck_assert(nvlist_in_array(arr[0]) && nvlist_in_array(arr[2]));
	ck_assert_ptr_eq(nvlist_get_array_next(arr[0]), arr[1]);
	ck_assert_ptr_null(nvlist_get_array_next(arr[2]));
	ck_assert_ptr_eq(nvlist_get_pararr(arr[0], &cookie), arr[1]);
	ck_assert_ptr_null(cookie);
	ck_assert_ptr_eq(nvlist_get_pararr(arr[2], &cookie), top);
	ck_assert_str_eq(nvlist_next(top, &type, &cookie), "last");
	ck_assert_ptr_null(nvlist_get_parent(top, &cookie));
	ck_assert_ptr_null(cookie);
	nvlist_destroy(e);
	nvlist_destroy(top);
}
END_TEST

START_TEST(clone_is_deep)
{
	nvlist_t *nvl = rich_list(), *copy;
	int fd = new_file();
	void *a, *b;
	size_t na, nb;

	a = pack_ok(nvl, &na);
	copy = nvlist_clone(nvl);
	ck_assert_ptr_nonnull(copy);
	b = pack_ok(copy, &nb);
	ck_assert(na == nb && memcmp(a, b, na) == 0);
	check_rich(copy);
	ck_assert_ptr_ne(nvlist_get_nvlist(copy, "nvlist"), nvlist_get_nvlist(nvl, "nvlist"));
	nvlist_add_descriptor(nvl, "fd", fd);
	nvlist_destroy(copy);
	copy = nvlist_clone(nvl);
	ck_assert_int_ne(nvlist_get_descriptor(copy, "fd"), nvlist_get_descriptor(nvl, "fd"));
	ck_assert(same_file(nvlist_get_descriptor(copy, "fd"), fd));
	/* A nested list clones into a list of its own. */
	nvlist_destroy(copy);
	copy = nvlist_clone(nvlist_get_nvlist(nvl, "nvlist"));
	ck_assert_ptr_null(nvlist_get_parent(copy, NULL));
	ck_assert_int_eq(nvlist_flags(copy), NV_FLAG_IGNORE_CASE);
	nvlist_destroy(copy);
	nvlist_destroy(nvl);
	free(a);
	free(b);
}
END_TEST

/* ---- dnv and cnv -------------------------------------------------------------------------- */

START_TEST(dnvlist_defaults)
{
	nvlist_t *nvl = nvlist_create(0), *def = nvlist_create(0), *sub = nvlist_create(0);
	int fd = new_file(), got;
	size_t size;
	char *s, defstr[] = "default";

	nvlist_add_number(nvl, "n", 5);
	nvlist_add_string(nvl, "s", "set");
	nvlist_add_descriptor(nvl, "fd", fd);
	nvlist_add_binary(nvl, "bin", "ab", 2);
	nvlist_add_nvlist(nvl, "l", sub);
	ck_assert(dnvlist_get_number(nvl, "n", 9) == 5);
	ck_assert(dnvlist_get_number(nvl, "s", 9) == 9); /* other type: the default */
	ck_assert(dnvlist_get_number(nvl, "missing", 9) == 9);
	ck_assert(dnvlist_get_bool(nvl, "n", true));
	ck_assert_str_eq(dnvlist_get_string(nvl, "s", "d"), "set");
	ck_assert_str_eq(dnvlist_get_string(nvl, "x", "d"), "d");
	ck_assert_ptr_eq(dnvlist_get_nvlist(nvl, "x", def), def);
	ck_assert_ptr_ne(dnvlist_get_nvlist(nvl, "l", def), def);
	ck_assert(same_file(dnvlist_get_descriptor(nvl, "fd", -1), fd));
	ck_assert_int_eq(dnvlist_get_descriptor(nvl, "x", -7), -7);
	ck_assert_int_eq(memcmp(dnvlist_get_binary(nvl, "bin", &size, NULL, 0), "ab", 2), 0);
	ck_assert_uint_eq(size, 2);
	ck_assert_ptr_eq(dnvlist_get_binary(nvl, "x", &size, "zz", 3), "zz");
	ck_assert_uint_eq(size, 3);
	s = dnvlist_take_string(nvl, "s", defstr);
	ck_assert_str_eq(s, "set");
	free(s);
	ck_assert_ptr_eq(dnvlist_take_string(nvl, "s", defstr), defstr);
	ck_assert(dnvlist_take_number(nvl, "n", 0) == 5 && !nvlist_exists(nvl, "n"));
	ck_assert(!dnvlist_take_bool(nvl, "b", false));
	got = dnvlist_take_descriptor(nvl, "fd", -1);
	ck_assert(same_file(got, fd));
	close(got);
	free(dnvlist_take_binary(nvl, "bin", &size, NULL, 0));
	ck_assert_ptr_null(dnvlist_take_binary(nvl, "bin", &size, NULL, 0));
	nvlist_destroy(dnvlist_take_nvlist(nvl, "l", NULL));
	ck_assert_ptr_eq(dnvlist_take_nvlist(nvl, "l", def), def);
	ck_assert(nvlist_empty(nvl));
	nvlist_destroy(nvl);
	nvlist_destroy(def);
	nvlist_destroy(sub);
}
END_TEST

START_TEST(cnvlist_by_cookie)
{
	nvlist_t *nvl = rich_list();
	int fd = new_file(), n_taken = 0;
	void *cookie = NULL;
	const char *name;
	size_t n;
	int type;

	nvlist_add_descriptor(nvl, "fd", fd);
	nvlist_add_descriptor_array(nvl, "fds", &fd, 1);
	while ((name = nvlist_next(nvl, &type, &cookie)) != NULL) {
		ck_assert_str_eq(cnvlist_name(cookie), name);
		ck_assert_int_eq(cnvlist_type(cookie), type);
		if (type == NV_TYPE_NUMBER)
			ck_assert(cnvlist_get_number(cookie) == 0x0123456789abcdefull);
		if (type == NV_TYPE_STRING && strcmp(name, "string") == 0)
			ck_assert_str_eq(cnvlist_get_string(cookie), "hello");
		if (type == NV_TYPE_BINARY)
			ck_assert(((const uint8_t *)cnvlist_get_binary(cookie, &n))[3] == 0xff &&
			          n == 4);
		if (type == NV_TYPE_NUMBER_ARRAY)
			ck_assert(cnvlist_get_number_array(cookie, &n)[2] == UINT64_MAX && n == 3);
		if (type == NV_TYPE_STRING_ARRAY)
			ck_assert_str_eq(cnvlist_get_string_array(cookie, &n)[1], "two");
		if (type == NV_TYPE_NVLIST_ARRAY)
			ck_assert_int_eq(nvlist_flags(cnvlist_get_nvlist_array(cookie, &n)[1]),
			                 NV_FLAG_NO_UNIQUE);
		if (type == NV_TYPE_DESCRIPTOR)
			ck_assert(same_file(cnvlist_get_descriptor(cookie), fd));
		if (type == NV_TYPE_DESCRIPTOR_ARRAY)
			ck_assert(same_file(cnvlist_get_descriptor_array(cookie, &n)[0], fd));
		if (type == NV_TYPE_BOOL)
			ck_assert(cnvlist_get_bool(cookie));
		if (type == NV_TYPE_BOOL_ARRAY)
			ck_assert(!cnvlist_get_bool_array(cookie, &n)[1]);
		if (type == NV_TYPE_NVLIST)
			ck_assert(nvlist_exists(cnvlist_get_nvlist(cookie), "inner"));
	}
	/* Take or free every entry through its cookie; the cookie dies with it. */
	cookie = NULL;
	while ((name = nvlist_next(nvl, &type, &cookie)) != NULL) {
		switch (type) {
		case NV_TYPE_NULL:
			cnvlist_free_null(cookie);
			break;
		case NV_TYPE_BOOL:
			ck_assert(cnvlist_take_bool(cookie));
			break;
		case NV_TYPE_NUMBER:
			ck_assert(cnvlist_take_number(cookie) != 0);
			break;
		case NV_TYPE_STRING:
			free(cnvlist_take_string(cookie));
			break;
		case NV_TYPE_NVLIST:
			nvlist_destroy(cnvlist_take_nvlist(cookie));
			break;
		case NV_TYPE_DESCRIPTOR:
			close(cnvlist_take_descriptor(cookie));
			break;
		case NV_TYPE_BINARY:
			free(cnvlist_take_binary(cookie, &n));
			break;
		case NV_TYPE_BOOL_ARRAY:
			free(cnvlist_take_bool_array(cookie, &n));
			break;
		case NV_TYPE_NUMBER_ARRAY:
			free(cnvlist_take_number_array(cookie, &n));
			break;
		case NV_TYPE_STRING_ARRAY:
			cnvlist_free_string_array(cookie);
			break;
		case NV_TYPE_NVLIST_ARRAY:
			cnvlist_free_nvlist_array(cookie);
			break;
		default:
			cnvlist_free_descriptor_array(cookie);
			break;
		}
		cookie = NULL;
		n_taken++;
	}
	ck_assert_int_eq(n_taken, 13);
	ck_assert(nvlist_empty(nvl));
	nvlist_destroy(nvl);
}
END_TEST

START_TEST(cnvlist_free_and_take_rest)
{
	nvlist_t *nvl = nvlist_create(0), *l = nvlist_create(0);
	void *cookie = NULL;
	int fd = new_file(), *fds;
	char **strs;
	nvlist_t **lists;
	size_t n;

	nvlist_add_bool(nvl, "b", true);
	nvlist_add_number(nvl, "n", 1);
	nvlist_add_string(nvl, "s", "x");
	nvlist_add_nvlist(nvl, "l", l);
	nvlist_add_descriptor(nvl, "d", fd);
	nvlist_add_binary(nvl, "bin", "x", 1);
	nvlist_add_bool_array(nvl, "ba", (bool[]){true}, 1);
	nvlist_add_number_array(nvl, "na", (uint64_t[]){1}, 1);
	nvlist_add_string_array(nvl, "sa", (const char *[]){"a"}, 1);
	nvlist_add_nvlist_array(nvl, "la", (const nvlist_t *[]){l}, 1);
	nvlist_add_descriptor_array(nvl, "da", &fd, 1);
#define NEXT() (cookie = NULL, nvlist_next(nvl, NULL, &cookie), cookie)
	cnvlist_free_bool(NEXT());
	cnvlist_free_number(NEXT());
	cnvlist_free_string(NEXT());
	cnvlist_free_nvlist(NEXT());
	cnvlist_free_descriptor(NEXT());
	cnvlist_free_binary(NEXT());
	cnvlist_free_bool_array(NEXT());
	cnvlist_free_number_array(NEXT());
	strs = cnvlist_take_string_array(NEXT(), &n);
	ck_assert(n == 1 && strcmp(strs[0], "a") == 0);
	free(strs[0]);
	free(strs);
	lists = cnvlist_take_nvlist_array(NEXT(), &n);
	ck_assert(n == 1 && !nvlist_in_array(lists[0]));
	nvlist_destroy(lists[0]);
	free(lists);
	fds = cnvlist_take_descriptor_array(NEXT(), &n);
	ck_assert(n == 1 && same_file(fds[0], fd));
	close(fds[0]);
	free(fds);
	ck_assert(nvlist_empty(nvl));
	nvlist_destroy(nvl);
	nvlist_destroy(l);
}
END_TEST

START_TEST(dump_readable)
{
	nvlist_t *nvl = rich_list();
	char *text = NULL, buf[8192];
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	int p[2];
	ssize_t n;

	nvlist_add_string(nvl, "esc", "a\"b\x1b");
	nvlist_fdump(nvl, fp);
	fclose(fp);
	ck_assert_ptr_nonnull(
	    strstr(text, "\"number\" (NUMBER): 81985529216486895 (0x123456789abcdef)\n"));
	ck_assert_ptr_nonnull(
	    strstr(text, "\"strings\" (STRING ARRAY): [\"\", \"two\", \"three\"]\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n    \"Inner\" (STRING): \"x\"\n"));
	ck_assert_ptr_nonnull(strstr(text, "\"esc\" (STRING): \"a\\x22b\\x1b\"\n"));
	ck_assert_int_eq(pipe(p), 0);
	nvlist_dump(nvl, p[1]);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	ck_assert(n == (ssize_t)len && memcmp(buf, text, len) == 0);
	free(text);
	nvlist_destroy(nvl);
}
END_TEST

/* ---- contract violations abort --------------------------------------------------------- */

START_TEST(get_missing_aborts)
{
	nvlist_t *nvl = nvlist_create(0);

	nvlist_get_number(nvl, "missing");
}
END_TEST

START_TEST(get_wrong_type_aborts)
{
	nvlist_t *nvl = nvlist_create(0);

	nvlist_add_string(nvl, "s", "x");
	nvlist_get_number(nvl, "s");
}
END_TEST

START_TEST(take_missing_aborts)
{
	nvlist_take_string(nvlist_create(0), "missing");
}
END_TEST

START_TEST(free_missing_aborts)
{
	nvlist_free(nvlist_create(0), "missing");
}
END_TEST

START_TEST(cnvlist_wrong_type_aborts)
{
	nvlist_t *nvl = nvlist_create(0);
	void *cookie = NULL;

	nvlist_add_number(nvl, "n", 1);
	nvlist_next(nvl, NULL, &cookie);
	cnvlist_get_string(cookie);
}
END_TEST

START_TEST(bad_pointer_aborts)
{
	uint64_t fake[16] = {0};

	nvlist_empty((const nvlist_t *)fake);
}
END_TEST

START_TEST(destroy_nested_aborts)
{
	nvlist_t *nvl = nvlist_create(0), *sub = nvlist_create(0);

	nvlist_move_nvlist(nvl, "sub", sub);
	nvlist_destroy(sub);
}
END_TEST

START_TEST(foreign_cookie_aborts)
{
	nvlist_t *a = nvlist_create(0), *b = nvlist_create(0);
	void *cookie = NULL;

	nvlist_add_null(a, "x");
	nvlist_add_null(b, "y");
	nvlist_next(a, NULL, &cookie);
	nvlist_next(b, NULL, &cookie);
}
END_TEST

/* ---- pack and unpack ---------------------------------------------------------------------- */

START_TEST(pack_unpack_round_trip)
{
	nvlist_t *nvl = rich_list(), *back;
	char names[256], names_back[256];
	void *buf, *again;
	size_t size, size2;

	buf = pack_ok(nvl, &size);
	ck_assert_int_eq(memcmp(buf, MAGIC, 4), 0);
	back = nvlist_unpack(buf, size, 0);
	ck_assert_msg(back != NULL, "unpack: %s", strerror(errno));
	check_rich(back);
	walk(nvl, names, sizeof(names)); /* parents and array links rebuilt */
	walk(back, names_back, sizeof(names_back));
	ck_assert_str_eq(names, names_back);
	again = pack_ok(back, &size2);
	ck_assert(size == size2 && memcmp(buf, again, size) == 0);
	nvlist_destroy(back);
	free(again);
	/* An empty list, and a nested list on its own. */
	nvlist_t *empty = nvlist_create(0);
	free(buf);
	buf = pack_ok(empty, &size);
	ck_assert_uint_eq(size, HDR_SIZE);
	back = nvlist_unpack(buf, size, 0);
	ck_assert(back != NULL && nvlist_empty(back));
	nvlist_destroy(back);
	nvlist_destroy(empty);
	free(buf);
	buf = pack_ok(nvlist_get_nvlist(nvl, "nvlist"), &size);
	back = nvlist_unpack(buf, size, NV_FLAG_IGNORE_CASE);
	ck_assert_str_eq(nvlist_get_string(back, "INNER"), "x");
	nvlist_destroy(back);
	free(buf);
	nvlist_destroy(nvl);
}
END_TEST

START_TEST(pack_refuses_descriptors)
{
	nvlist_t *nvl = nvlist_create(0), *sub = nvlist_create(0);
	int fd = new_file();

	nvlist_add_descriptor_array(sub, "fds", &fd, 1);
	nvlist_add_nvlist(nvl, "sub", sub);
	errno = 0;
	ck_assert_ptr_null(nvlist_pack(nvl, NULL));
	ck_assert_int_eq(errno, EOPNOTSUPP);
	ck_assert_uint_gt(nvlist_size(nvl), HDR_SIZE); /* still has a size, to send */
	nvlist_destroy(sub);
	nvlist_destroy(nvl);
}
END_TEST

/* The receiver's flags must match the list's, as in FreeBSD. */
START_TEST(unpack_checks_flags)
{
	nvlist_t *nvl = nvlist_create(NV_FLAG_NO_UNIQUE), *back;
	void *buf;
	size_t size;

	nvlist_add_null(nvl, "x");
	nvlist_add_null(nvl, "x");
	buf = pack_ok(nvl, &size);
	errno = 0;
	ck_assert_ptr_null(nvlist_unpack(buf, size, 0));
	ck_assert_int_eq(errno, EILSEQ);
	errno = 0;
	ck_assert_ptr_null(nvlist_unpack(buf, size, 0x100));
	ck_assert_int_eq(errno, EINVAL);
	back = nvlist_unpack(buf, size, NV_FLAG_NO_UNIQUE);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(nvlist_flags(back), NV_FLAG_NO_UNIQUE);
	nvlist_destroy(back);
	nvlist_destroy(nvl);
	free(buf);
}
END_TEST

START_TEST(unpack_every_truncation)
{
	nvlist_t *nvl = rich_list();
	size_t size;
	uint8_t *buf = pack_ok(nvl, &size), *copy;

	for (size_t len = 0; len < size; len++) {
		/* A copy of exactly len bytes, so ASan sees any read beyond. */
		copy = malloc(len + 1);
		memcpy(copy, buf, len);
		errno = 0;
		ck_assert_msg(nvlist_unpack(copy, len, 0) == NULL && errno == EINVAL,
		              "%zu of %zu bytes: errno %d", len, size, errno);
		free(copy);
	}
	copy = malloc(size + 1);
	memcpy(copy, buf, size);
	copy[size] = 0;
	ck_assert_ptr_null(nvlist_unpack(copy, size + 1, 0)); /* a byte too many */
	ck_assert_int_eq(errno, EINVAL);
	free(copy);
	free(buf);
	nvlist_destroy(nvl);
}
END_TEST

/* Every flipped bit is refused, or reads as a list that packs back to the
 * very same bytes: the format has one encoding per list. */
START_TEST(unpack_bit_flips_canonical)
{
	nvlist_t *nvl = rich_list(), *back;
	size_t size, size2;
	uint8_t *buf = pack_ok(nvl, &size), *again;
	int accepted = 0;

	for (size_t i = 0; i < size; i++) {
		for (int bit = 0; bit < 8; bit++) {
			buf[i] ^= (uint8_t)(1 << bit);
			back = nvlist_unpack(buf, size, buf[5] & NV_FLAG_PUBLIC_MASK);
			if (back == NULL) {
				ck_assert_msg(errno == EINVAL || errno == EILSEQ, "byte %zu: %d", i,
				              errno);
			} else {
				again = nvlist_pack(back, &size2);
				ck_assert(again && size2 == size && memcmp(again, buf, size) == 0);
				free(again);
				nvlist_destroy(back);
				accepted++;
			}
			buf[i] ^= (uint8_t)(1 << bit);
		}
	}
	ck_assert_int_gt(accepted, 0); /* value bits, e.g. in numbers, do flip */
	free(buf);
	nvlist_destroy(nvl);
}
END_TEST

/* Messages built by hand, independently of the packer. */
struct raw {
	uint8_t b[8192];
	size_t n;
	bool keep_size; /* the case sets the header's size itself */
};

static void raw_put(struct raw *r, const void *p, size_t n)
{
	ck_assert_uint_le(r->n + n, sizeof(r->b));
	memcpy(r->b + r->n, p, n);
	r->n += n;
}

static void raw_u32_at(struct raw *r, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		r->b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void raw_u32(struct raw *r, uint32_t v)
{
	r->n += 4;
	raw_u32_at(r, r->n - 4, v);
}

static void raw_header(struct raw *r, uint8_t flags, uint32_t ndesc)
{
	raw_put(r, MAGIC, 4);
	raw_put(r, (uint8_t[]){1, flags, 0, 0}, 4);
	raw_u32(r, ndesc);
	raw_u32(r, 0); /* size: patched by raw_finish() */
}

/* An entry whose name length counts the NUL that follows name. */
static void raw_entry(struct raw *r, uint8_t type, const char *name, uint32_t nitems,
                      const void *data, uint32_t len)
{
	uint16_t namelen = (uint16_t)(strlen(name) + 1);

	raw_put(r, (uint8_t[]){type, 0, (uint8_t)namelen, (uint8_t)(namelen >> 8)}, 4);
	raw_u32(r, nitems);
	raw_u32(r, len);
	raw_put(r, name, namelen);
	raw_put(r, data, len);
}

/* A nested list block: flags, reserved, then entries of length len. */
static void raw_list(struct raw *r, uint8_t flags, const struct raw *entries)
{
	raw_put(r, (uint8_t[]){flags, 0, 0, 0}, 4);
	raw_u32(r, (uint32_t)entries->n);
	raw_put(r, entries->b, entries->n);
}

static void raw_finish(struct raw *r)
{
	if (!r->keep_size)
		raw_u32_at(r, 12, (uint32_t)(r->n - HDR_SIZE));
}

/* Entries nesting depth lists below the top one. */
static void raw_nest(struct raw *r, int depth)
{
	struct raw inner = {.n = 0}, block = {.n = 0};

	if (depth > 1)
		raw_nest(&inner, depth - 1);
	raw_list(&block, 0, &inner);
	raw_entry(r, NV_TYPE_NVLIST, "n", 0, block.b, (uint32_t)block.n);
}

static void c_empty(struct raw *r)
{
	(void)r;
}
static void c_all_scalars(struct raw *r)
{
	raw_entry(r, NV_TYPE_NULL, "null", 0, "", 0);
	raw_entry(r, NV_TYPE_BOOL, "bool", 0, "\1", 1);
	raw_entry(r, NV_TYPE_NUMBER, "n", 0, "12345678", 8);
	raw_entry(r, NV_TYPE_STRING, "s", 0, "abc", 4);
	raw_entry(r, NV_TYPE_BINARY, "b", 0, "\0\0", 2);
	raw_entry(r, NV_TYPE_STRING_ARRAY, "sa", 2, "a\0bc", 5);
}
static void c_bad_magic(struct raw *r)
{
	r->b[0] ^= 1;
}
static void c_bad_version(struct raw *r)
{
	r->b[4] = 2;
}
static void c_unknown_flag(struct raw *r)
{
	r->b[5] = 0x04;
}
static void c_private_flag(struct raw *r)
{
	r->b[5] = 0x80;
}
static void c_reserved_header(struct raw *r)
{
	r->b[7] = 1;
}
static void c_size_short(struct raw *r)
{
	raw_entry(r, NV_TYPE_NULL, "x", 0, "", 0);
	r->keep_size = true;
	raw_u32_at(r, 12, (uint32_t)(r->n - HDR_SIZE - 1));
}
static void c_size_long(struct raw *r)
{
	raw_entry(r, NV_TYPE_NULL, "x", 0, "", 0);
	r->keep_size = true;
	raw_u32_at(r, 12, (uint32_t)(r->n - HDR_SIZE + 1));
}
static void c_size_huge(struct raw *r)
{
	r->keep_size = true;
	raw_u32_at(r, 12, 0xffffffffu);
}
static void c_ndesc_without_descriptors(struct raw *r)
{
	raw_entry(r, NV_TYPE_DESCRIPTOR, "fd", 0, "\0\0\0\0", 4);
	raw_u32_at(r, 8, 1);
}
static void c_descriptor_entry(struct raw *r)
{
	raw_entry(r, NV_TYPE_DESCRIPTOR, "fd", 0, "\0\0\0\0", 4);
}
static void c_descriptor_array_entry(struct raw *r)
{
	raw_entry(r, NV_TYPE_DESCRIPTOR_ARRAY, "fds", 1, "\0\0\0\0", 4);
}
static void c_type_0(struct raw *r)
{
	raw_entry(r, 0, "x", 0, "", 0);
}
static void c_type_13(struct raw *r)
{
	raw_entry(r, 13, "x", 0, "", 0);
}
static void c_type_255(struct raw *r)
{
	raw_entry(r, 255, "x", 0, "", 0);
}
static void c_entry_reserved(struct raw *r)
{
	raw_entry(r, NV_TYPE_NULL, "x", 0, "", 0);
	r->b[HDR_SIZE + 1] = 1;
}
static void c_name_len_0(struct raw *r)
{
	raw_put(r, (uint8_t[]){NV_TYPE_NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12);
}
static void c_name_2048(struct raw *r)
{
	char name[2048];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	raw_entry(r, NV_TYPE_NULL, name, 0, "", 0);
}
static void c_name_2049(struct raw *r)
{
	char name[2049];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	raw_entry(r, NV_TYPE_NULL, name, 0, "", 0);
}
static void c_name_without_nul(struct raw *r)
{
	raw_put(r, (uint8_t[]){NV_TYPE_NULL, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12);
	raw_put(r, "abc", 3);
}
static void c_name_inner_nul(struct raw *r)
{
	raw_put(r, (uint8_t[]){NV_TYPE_NULL, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12);
	raw_put(r, "a\0b\0", 4);
}
static void c_name_past_end(struct raw *r)
{
	raw_put(r, (uint8_t[]){NV_TYPE_NULL, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12);
	raw_put(r, "abc", 4);
}
static void c_data_past_end(struct raw *r)
{
	raw_put(r, (uint8_t[]){NV_TYPE_NUMBER, 0, 2, 0, 0, 0, 0, 0, 8, 0, 0, 0}, 12);
	raw_put(r,
	        "n\0"
	        "1234567",
	        9);
}
static void c_data_len_huge(struct raw *r)
{
	raw_put(r, (uint8_t[]){NV_TYPE_BINARY, 0, 2, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, 12);
	raw_put(r, "b\0xx", 4);
}
static void c_null_with_data(struct raw *r)
{
	raw_entry(r, NV_TYPE_NULL, "x", 0, "\0", 1);
}
static void c_bool_2(struct raw *r)
{
	raw_entry(r, NV_TYPE_BOOL, "b", 0, "\2", 1);
}
static void c_bool_2_bytes(struct raw *r)
{
	raw_entry(r, NV_TYPE_BOOL, "b", 0, "\1\0", 2);
}
static void c_number_7(struct raw *r)
{
	raw_entry(r, NV_TYPE_NUMBER, "n", 0, "1234567", 7);
}
static void c_number_9(struct raw *r)
{
	raw_entry(r, NV_TYPE_NUMBER, "n", 0, "123456789", 9);
}
static void c_string_without_nul(struct raw *r)
{
	raw_entry(r, NV_TYPE_STRING, "s", 0, "abc", 3);
}
static void c_string_nul_inside(struct raw *r)
{
	raw_entry(r, NV_TYPE_STRING, "s", 0, "a\0c", 4);
}
static void c_string_empty_data(struct raw *r)
{
	raw_entry(r, NV_TYPE_STRING, "s", 0, "", 0);
}
static void c_binary_empty(struct raw *r)
{
	raw_entry(r, NV_TYPE_BINARY, "b", 0, "", 0);
}
static void c_scalar_with_count(struct raw *r)
{
	raw_entry(r, NV_TYPE_NUMBER, "n", 1, "12345678", 8);
}
static void c_array_count_0(struct raw *r)
{
	raw_entry(r, NV_TYPE_BOOL_ARRAY, "a", 0, "", 0);
}
static void c_bool_array_short(struct raw *r)
{
	raw_entry(r, NV_TYPE_BOOL_ARRAY, "a", 3, "\1\0", 2);
}
static void c_bool_array_2(struct raw *r)
{
	raw_entry(r, NV_TYPE_BOOL_ARRAY, "a", 2, "\1\2", 2);
}
static void c_number_array_ragged(struct raw *r)
{
	raw_entry(r, NV_TYPE_NUMBER_ARRAY, "a", 1, "123456789", 9);
}
static void c_number_array_count(struct raw *r)
{
	raw_entry(r, NV_TYPE_NUMBER_ARRAY, "a", 3, "1234567812345678", 16);
}
static void c_array_count_huge(struct raw *r)
{
	raw_entry(r, NV_TYPE_NUMBER_ARRAY, "a", 0xffffffffu, "12345678", 8);
}
static void c_string_array_short(struct raw *r)
{
	raw_entry(r, NV_TYPE_STRING_ARRAY, "a", 2, "abc", 4);
}
static void c_string_array_trailing(struct raw *r)
{
	raw_entry(r, NV_TYPE_STRING_ARRAY, "a", 1, "a\0b", 3);
}
static void c_string_array_unterminated(struct raw *r)
{
	raw_entry(r, NV_TYPE_STRING_ARRAY, "a", 2, "a\0b", 3);
}
static void c_nested_ok(struct raw *r)
{
	struct raw inner = {.n = 0}, block = {.n = 0};

	raw_entry(&inner, NV_TYPE_NUMBER, "x", 0, "12345678", 8);
	raw_list(&block, NV_FLAG_IGNORE_CASE, &inner);
	raw_entry(r, NV_TYPE_NVLIST, "l", 0, block.b, (uint32_t)block.n);
	raw_entry(r, NV_TYPE_NVLIST_ARRAY, "la", 2, (uint8_t[16]){0}, 16);
}
static void c_nested_bad_flags(struct raw *r)
{
	raw_entry(r, NV_TYPE_NVLIST, "l", 0, (uint8_t[]){0x08, 0, 0, 0, 0, 0, 0, 0}, 8);
}
static void c_nested_reserved(struct raw *r)
{
	raw_entry(r, NV_TYPE_NVLIST, "l", 0, (uint8_t[]){0, 0, 1, 0, 0, 0, 0, 0}, 8);
}
static void c_nested_size_past_data(struct raw *r)
{
	raw_entry(r, NV_TYPE_NVLIST, "l", 0, (uint8_t[]){0, 0, 0, 0, 1, 0, 0, 0}, 8);
}
static void c_nested_trailing(struct raw *r)
{
	raw_entry(r, NV_TYPE_NVLIST, "l", 0, (uint8_t[]){0, 0, 0, 0, 0, 0, 0, 0, 9}, 9);
}
static void c_nested_short_header(struct raw *r)
{
	raw_entry(r, NV_TYPE_NVLIST, "l", 0, (uint8_t[]){0, 0, 0, 0}, 4);
}
static void c_nested_bad_entry(struct raw *r)
{
	struct raw inner = {.n = 0}, block = {.n = 0};

	raw_entry(&inner, NV_TYPE_BOOL, "b", 0, "\3", 1);
	raw_list(&block, 0, &inner);
	raw_entry(r, NV_TYPE_NVLIST, "l", 0, block.b, (uint32_t)block.n);
}
static void c_nvlist_array_short(struct raw *r)
{
	raw_entry(r, NV_TYPE_NVLIST_ARRAY, "la", 2, (uint8_t[8]){0}, 8);
}
static void c_duplicate_names(struct raw *r)
{
	raw_entry(r, NV_TYPE_NULL, "x", 0, "", 0);
	raw_entry(r, NV_TYPE_NUMBER, "x", 0, "12345678", 8);
}
static void c_duplicates_allowed(struct raw *r)
{
	r->b[5] = NV_FLAG_NO_UNIQUE;
	c_duplicate_names(r);
}
static void c_case_duplicates(struct raw *r)
{
	r->b[5] = NV_FLAG_IGNORE_CASE;
	raw_entry(r, NV_TYPE_NULL, "Name", 0, "", 0);
	raw_entry(r, NV_TYPE_NULL, "nAME", 0, "", 0);
}
static void c_nested_duplicates(struct raw *r)
{
	struct raw inner = {.n = 0}, block = {.n = 0};

	c_duplicate_names(&inner);
	raw_list(&block, 0, &inner);
	raw_entry(r, NV_TYPE_NVLIST, "l", 0, block.b, (uint32_t)block.n);
}
static void c_depth_64(struct raw *r)
{
	raw_nest(r, DEPTH_MAX);
}
static void c_depth_65(struct raw *r)
{
	raw_nest(r, DEPTH_MAX + 1);
}
static void c_flags_mismatch(struct raw *r)
{
	r->b[5] = NV_FLAG_IGNORE_CASE;
}

static const struct {
	const char *what;
	void (*build)(struct raw *);
	int flags; /* given to nvlist_unpack() */
	int err;   /* 0: must unpack */
} bad_cases[] = {
    {"empty list", c_empty, 0, 0},
    {"every scalar", c_all_scalars, 0, 0},
    {"bad magic", c_bad_magic, 0, EINVAL},
    {"version 2", c_bad_version, 0, EINVAL},
    {"unknown header flag", c_unknown_flag, 0, EINVAL},
    {"private header flag", c_private_flag, 0, EINVAL},
    {"reserved header byte", c_reserved_header, 0, EINVAL},
    {"size one short", c_size_short, 0, EINVAL},
    {"size one long", c_size_long, 0, EINVAL},
    {"size 4 GiB", c_size_huge, 0, EINVAL},
    {"descriptor count, no descriptors", c_ndesc_without_descriptors, 0, EINVAL},
    {"descriptor entry", c_descriptor_entry, 0, EINVAL},
    {"descriptor array entry", c_descriptor_array_entry, 0, EINVAL},
    {"type 0", c_type_0, 0, EINVAL},
    {"type 13", c_type_13, 0, EINVAL},
    {"type 255", c_type_255, 0, EINVAL},
    {"reserved entry byte", c_entry_reserved, 0, EINVAL},
    {"name length 0", c_name_len_0, 0, EINVAL},
    {"name of 2047 characters", c_name_2048, 0, 0},
    {"name of 2048 characters", c_name_2049, 0, EINVAL},
    {"name without NUL", c_name_without_nul, 0, EINVAL},
    {"name with NUL inside", c_name_inner_nul, 0, EINVAL},
    {"name past the end", c_name_past_end, 0, EINVAL},
    {"data past the end", c_data_past_end, 0, EINVAL},
    {"data length 4 GiB", c_data_len_huge, 0, EINVAL},
    {"null with data", c_null_with_data, 0, EINVAL},
    {"bool 2", c_bool_2, 0, EINVAL},
    {"bool of 2 bytes", c_bool_2_bytes, 0, EINVAL},
    {"number of 7 bytes", c_number_7, 0, EINVAL},
    {"number of 9 bytes", c_number_9, 0, EINVAL},
    {"string without NUL", c_string_without_nul, 0, EINVAL},
    {"string with NUL inside", c_string_nul_inside, 0, EINVAL},
    {"string of no bytes", c_string_empty_data, 0, EINVAL},
    {"empty binary", c_binary_empty, 0, EINVAL},
    {"scalar with a count", c_scalar_with_count, 0, EINVAL},
    {"array of 0", c_array_count_0, 0, EINVAL},
    {"bool array short", c_bool_array_short, 0, EINVAL},
    {"bool array holding 2", c_bool_array_2, 0, EINVAL},
    {"number array ragged", c_number_array_ragged, 0, EINVAL},
    {"number array count", c_number_array_count, 0, EINVAL},
    {"array count 2^32-1", c_array_count_huge, 0, EINVAL},
    {"string array short", c_string_array_short, 0, EINVAL},
    {"string array trailing", c_string_array_trailing, 0, EINVAL},
    {"string array unterminated", c_string_array_unterminated, 0, EINVAL},
    {"nested lists", c_nested_ok, 0, 0},
    {"nested flags", c_nested_bad_flags, 0, EINVAL},
    {"nested reserved", c_nested_reserved, 0, EINVAL},
    {"nested size past data", c_nested_size_past_data, 0, EINVAL},
    {"nested trailing byte", c_nested_trailing, 0, EINVAL},
    {"nested short header", c_nested_short_header, 0, EINVAL},
    {"nested bad entry", c_nested_bad_entry, 0, EINVAL},
    {"nvlist array short", c_nvlist_array_short, 0, EINVAL},
    {"duplicate names", c_duplicate_names, 0, EINVAL},
    {"duplicates, NO_UNIQUE", c_duplicates_allowed, NV_FLAG_NO_UNIQUE, 0},
    {"duplicates by case, IGNORE_CASE", c_case_duplicates, NV_FLAG_IGNORE_CASE, EINVAL},
    {"nested duplicates", c_nested_duplicates, 0, EINVAL},
    {"nesting depth 64", c_depth_64, 0, 0},
    {"nesting depth 65", c_depth_65, 0, EINVAL},
    {"flags other than expected", c_flags_mismatch, 0, EILSEQ},
};

START_TEST(unpack_malformed)
{
	struct raw r = {.n = 0};
	nvlist_t *nvl;
	uint8_t *copy;

	raw_header(&r, 0, 0);
	bad_cases[_i].build(&r);
	raw_finish(&r);
	copy = malloc(r.n); /* exact size, so ASan sees any overread */
	memcpy(copy, r.b, r.n);
	errno = 0;
	nvl = nvlist_unpack(copy, r.n, bad_cases[_i].flags);
	if (bad_cases[_i].err == 0)
		ck_assert_msg(nvl != NULL, "%s: refused, errno %d", bad_cases[_i].what, errno);
	else
		ck_assert_msg(nvl == NULL && errno == bad_cases[_i].err, "%s: %p, errno %d",
		              bad_cases[_i].what, (void *)nvl, errno);
	nvlist_destroy(nvl);
	free(copy);
}
END_TEST

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A peer may send a list of 300,000 entries of one name (NO_UNIQUE, which
 * any nested list may be) or of 300,000 names: both unpack in time linear
 * in their size.  Quadratic work would take minutes here. */
START_TEST(unpack_scales_linearly)
{
	nvlist_t *nvl = nvlist_create(0), *same = nvlist_create(NV_FLAG_NO_UNIQUE), *back;
	nvlist_t *distinct = nvlist_create(0);
	char name[16];
	size_t size;
	void *buf;
	double t;

	for (int i = 0; i < 300000; i++) {
		nvlist_add_null(same, "a");
		snprintf(name, sizeof(name), "k%d", i);
		nvlist_add_null(distinct, name);
	}
	nvlist_move_nvlist(nvl, "same", same);
	nvlist_move_nvlist(nvl, "distinct", distinct);
	buf = pack_ok(nvl, &size);
	t = seconds();
	back = nvlist_unpack(buf, size, 0);
	t = seconds() - t;
	ck_assert_ptr_nonnull(back);
	ck_assert_msg(t < 5.0, "unpacking %zu bytes took %.1f s", size, t);
	nvlist_free_null((nvlist_t *)nvlist_get_nvlist(back, "same"), "a");
	ck_assert(nvlist_exists_null(nvlist_get_nvlist(back, "same"), "a"));
	nvlist_destroy(back);
	nvlist_destroy(nvl);
	free(buf);
}
END_TEST

/*
 * A message of 16 MiB whose unpacked form would take far more: an array of
 * two million empty lists (8 bytes each on the wire, an nvlist_t each
 * unpacked, some 14 times the message).  Refused with EINVAL (DEVIATIONS),
 * while the heaviest honest kind, many small entries, unpacks (above).
 */
START_TEST(unpack_refuses_an_amplifying_message)
{
	size_t n = ((size_t)16 << 20) / 8 - 8, body = 12 + 2 + 8 * n, size = 16 + body;
	uint8_t *buf = calloc(1, size), *p;
	nvlist_t *back;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "nvpk", 4); /* magic, little-endian 0x6b70766e */
	buf[4] = 1;             /* version */
	for (int i = 0; i < 4; i++)
		buf[12 + i] = (uint8_t)(body >> (8 * i));
	p = buf + 16;
	p[0] = NV_TYPE_NVLIST_ARRAY;
	p[2] = 2; /* name length */
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(n >> (8 * i));
		p[8 + i] = (uint8_t)((8 * n) >> (8 * i));
	}
	memcpy(p + 12, "a", 2);
	/* the lists: flags 0, entries length 0 -- already zero */
	errno = 0;
	back = nvlist_unpack(buf, size, 0);
	ck_assert_ptr_null(back);
	ck_assert_int_eq(errno, EINVAL);
	/* the same shape, small, is fine */
	n = 1000;
	body = 12 + 2 + 8 * n;
	size = 16 + body;
	for (int i = 0; i < 4; i++) {
		buf[12 + i] = (uint8_t)(body >> (8 * i));
		p[4 + i] = (uint8_t)(n >> (8 * i));
		p[8 + i] = (uint8_t)((8 * n) >> (8 * i));
	}
	back = nvlist_unpack(buf, size, 0);
	ck_assert_ptr_nonnull(back);
	nvlist_destroy(back);
	free(buf);
}
END_TEST

/* The packer keeps to the same depth bound as the unpacker. */
START_TEST(pack_depth_bound)
{
	nvlist_t *top = nvlist_create(0), *nvl = top, *back;
	size_t size;
	void *buf;

	for (int d = 0; d < DEPTH_MAX; d++) {
		nvlist_t *sub = nvlist_create(0);

		nvlist_move_nvlist(nvl, "n", sub);
		nvl = sub;
	}
	buf = pack_ok(top, &size);
	back = nvlist_unpack(buf, size, 0);
	ck_assert_ptr_nonnull(back);
	nvlist_destroy(back);
	free(buf);
	nvlist_move_nvlist(nvl, "n", nvlist_create(0));
	errno = 0;
	ck_assert_ptr_null(nvlist_pack(top, &size));
	ck_assert_int_eq(errno, EMSGSIZE);
	nvlist_destroy(top);
}
END_TEST

START_TEST(pack_size_bound)
{
	nvlist_t *nvl = nvlist_create(0);
	size_t size = SIZE_MAX_ - HDR_SIZE - 12 - 2;
	void *big = calloc(1, size), *buf;

	nvlist_move_binary(nvl, "b", big, size);
	buf = pack_ok(nvl, &size); /* exactly the largest message */
	ck_assert_uint_eq(size, SIZE_MAX_);
	free(buf);
	nvlist_add_null(nvl, "");
	errno = 0;
	ck_assert_ptr_null(nvlist_pack(nvl, &size));
	ck_assert_int_eq(errno, EMSGSIZE);
	nvlist_destroy(nvl);
}
END_TEST

/* ---- send, receive ------------------------------------------------------------------------ */

START_TEST(send_recv_round_trip)
{
	nvlist_t *nvl = rich_list(), *back;
	int sv[2];

	sockets(sv);
	ck_assert_int_eq(nvlist_send(sv[0], nvl), 0);
	ck_assert_int_eq(nvlist_send(sv[0], nvl), 0); /* two in a row stay apart */
	for (int i = 0; i < 2; i++) {
		back = nvlist_recv(sv[1], 0);
		ck_assert_msg(back != NULL, "recv: %s", strerror(errno));
		check_rich(back);
		nvlist_destroy(back);
	}
	nvlist_destroy(nvl);
}
END_TEST

/* 300 descriptors, in arrays and nested lists: more than two batches. */
START_TEST(send_recv_300_descriptors)
{
	nvlist_t *nvl = nvlist_create(0), *sub = nvlist_create(0), *back;
	const int *got;
	int fds[300], sv[2], before;
	char name[16];
	size_t n;

	raise_nofile();
	sockets(sv);
	for (int i = 0; i < 300; i++)
		fds[i] = new_file();
	nvlist_add_descriptor_array(nvl, "first", fds, 100);
	for (int i = 100; i < 200; i++) {
		snprintf(name, sizeof(name), "fd%d", i);
		nvlist_add_descriptor(sub, name, fds[i]);
	}
	nvlist_add_descriptor_array(sub, "rest", fds + 200, 100);
	nvlist_add_nvlist(nvl, "sub", sub);
	nvlist_add_nvlist_array(nvl, "arr", (const nvlist_t *[]){sub}, 1);
	ck_assert_int_eq(nvlist_error(nvl), 0);
	before = count_fds();
	ck_assert_int_eq(nvlist_send(sv[0], nvl), 0);
	back = nvlist_recv(sv[1], 0);
	ck_assert_msg(back != NULL, "recv: %s", strerror(errno));
	ck_assert_int_eq(count_fds(), before + 500);
	got = nvlist_get_descriptor_array(back, "first", &n);
	for (size_t i = 0; i < n; i++)
		ck_assert(same_file(got[i], fds[i]) && got[i] != fds[i]);
	for (int i = 100; i < 200; i++) {
		snprintf(name, sizeof(name), "fd%d", i);
		ck_assert(
		    same_file(nvlist_get_descriptor(nvlist_get_nvlist(back, "sub"), name), fds[i]));
		ck_assert_int_eq(
		    fcntl(nvlist_get_descriptor(nvlist_get_nvlist(back, "sub"), name), F_GETFD),
		    FD_CLOEXEC);
	}
	got =
	    nvlist_get_descriptor_array(nvlist_get_nvlist_array(back, "arr", NULL)[0], "rest", &n);
	ck_assert(n == 100 && same_file(got[99], fds[299]));
	nvlist_destroy(back);
	ck_assert_int_eq(count_fds(), before);
	nvlist_destroy(sub);
	nvlist_destroy(nvl);
}
END_TEST

static void echo_peer(void *arg)
{
	int sock = *(int *)arg;
	nvlist_t *nvl = nvlist_recv(sock, 0);

	CHILD_CHECK(nvl != NULL);
	CHILD_CHECK(nvlist_exists_number(nvl, "question"));
	nvlist_add_number(nvl, "answer", nvlist_get_number(nvl, "question") + 1);
	CHILD_CHECK(nvlist_send(sock, nvl) == 0);
	nvlist_destroy(nvl);
}

START_TEST(xfer_round_trip)
{
	nvlist_t *req = nvlist_create(0), *reply;
	int sv[2];
	struct child c;

	sockets(sv);
	c = spawn(echo_peer, &sv[1]);
	nvlist_add_number(req, "question", 41);
	reply = nvlist_xfer(sv[0], req, 0); /* req is destroyed either way */
	ck_assert_ptr_nonnull(reply);
	ck_assert(nvlist_get_number(reply, "answer") == 42);
	nvlist_destroy(reply);
	reap(c);
	/* A request in error is destroyed and nothing is sent. */
	req = nvlist_create(0);
	nvlist_set_error(req, EPERM);
	ck_assert_ptr_null(nvlist_xfer(sv[0], req, 0));
	ck_assert_int_eq(errno, EPERM);
}
END_TEST

/* The peer closes at every byte of a message: an error, never a hang. */
START_TEST(peer_closes_mid_message)
{
	nvlist_t *nvl = rich_list();
	size_t size;
	uint8_t *buf = pack_ok(nvl, &size);
	int sv[2];

	for (size_t cut = 0; cut < size; cut++) {
		sockets(sv);
		write_all(sv[0], buf, cut);
		close(sv[0]);
		errno = 0;
		ck_assert_ptr_null(nvlist_recv(sv[1], 0));
		ck_assert_msg(errno == ENOTCONN, "cut at %zu: errno %d", cut, errno);
		close(sv[1]);
	}
	free(buf);
	nvlist_destroy(nvl);
}
END_TEST

/* ...and in the middle of the descriptors: those received are closed. */
START_TEST(peer_closes_mid_descriptors)
{
	struct raw r = {.n = 0};
	int fd = new_file(), fds[FD_BATCH], sv[2], before;
	uint8_t idx[4 * 200];

	raise_nofile();
	for (int i = 0; i < 200; i++)
		memcpy(idx + 4 * i, (uint8_t[]){(uint8_t)i, 0, 0, 0}, 4);
	raw_header(&r, 0, 200);
	raw_entry(&r, NV_TYPE_DESCRIPTOR_ARRAY, "fds", 200, idx, sizeof(idx));
	raw_finish(&r);
	for (int i = 0; i < FD_BATCH; i++)
		fds[i] = fd;
	sockets(sv);
	before = count_fds();
	write_all(sv[0], r.b, r.n);
	send_batch(sv[0], fds, FD_BATCH, 0);
	close(sv[0]);
	errno = 0;
	ck_assert_ptr_null(nvlist_recv(sv[1], 0));
	ck_assert_int_eq(errno, ENOTCONN);
	ck_assert_int_eq(count_fds(), before - 1); /* less sv[0]; none of the 128 */
}
END_TEST

/* A declared size over the cap fails at once, without waiting for a body
 * the peer (still connected) will never send. */
START_TEST(recv_refuses_huge_size)
{
	struct raw r = {.n = 0};
	int sv[2];

	raw_header(&r, 0, 0);
	raw_u32_at(&r, 12, SIZE_MAX_ - HDR_SIZE + 1);
	sockets(sv);
	write_all(sv[0], r.b, HDR_SIZE);
	errno = 0;
	ck_assert_ptr_null(nvlist_recv(sv[1], 0));
	ck_assert_int_eq(errno, EINVAL);
	/* A descriptor count the body could not hold: the same. */
	raw_u32_at(&r, 8, 5);
	raw_u32_at(&r, 12, 16);
	write_all(sv[0], r.b, HDR_SIZE);
	errno = 0;
	ck_assert_ptr_null(nvlist_recv(sv[1], 0));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* The largest size allowed, then 100 bytes and a close: the receiver
 * must not have allocated the declared 16 MiB.  Outside the sanitizers,
 * the address space is capped to make an allocation that size fail. */
START_TEST(recv_allocates_as_data_arrives)
{
	struct raw r = {.n = 0};
	uint8_t junk[100] = {0};
	int sv[2];

	raw_header(&r, 0, 0);
	raw_u32_at(&r, 12, SIZE_MAX_ - HDR_SIZE);
	sockets(sv);
	write_all(sv[0], r.b, HDR_SIZE);
	write_all(sv[0], junk, sizeof(junk));
	close(sv[0]);
#ifndef UNDER_ASAN /* ASan reserves terabytes of address space */
	{
		struct rlimit rl;
		char line[256];
		unsigned long kb = 0;
		FILE *st = fopen("/proc/self/status", "r");

		while (fgets(line, sizeof(line), st) != NULL)
			sscanf(line, "VmSize: %lu kB", &kb);
		fclose(st);
		ck_assert_uint_gt(kb, 0);
		rl.rlim_cur = rl.rlim_max = (kb << 10) + (6ul << 20);
		ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
		void *probe = malloc(SIZE_MAX_); /* the cap works */
		ck_assert_ptr_null(probe);
	}
#endif
	errno = 0;
	ck_assert_ptr_null(nvlist_recv(sv[1], 0));
	ck_assert_int_eq(errno, ENOTCONN); /* not ENOMEM */
}
END_TEST

/* Every way a message with descriptors can go wrong leaves no descriptor
 * open in the receiver. */
enum fd_fault { BAD_BODY, EXTRA_FD, FD_ON_DATA, WRONG_FLAGS, UNUSED_FD, BAD_BATCH_BYTE, FEW_FDS };

static void fd_fault_case(enum fd_fault fault)
{
	struct raw r = {.n = 0};
	int fd = new_file(), fds[4] = {fd, fd, fd, fd}, sv[2], before;
	uint8_t idx[12] = {0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0};

	raw_header(&r, fault == WRONG_FLAGS ? NV_FLAG_NO_UNIQUE : 0, 3);
	raw_entry(&r, NV_TYPE_DESCRIPTOR_ARRAY, "fds", fault == UNUSED_FD ? 2 : 3, idx,
	          fault == UNUSED_FD ? 8 : 12);
	raw_entry(&r, NV_TYPE_BOOL, "b", 0, fault == BAD_BODY ? "\2" : "\1", 1);
	if (fault == UNUSED_FD) /* keep the size the body must have for 3 descriptors */
		raw_entry(&r, NV_TYPE_NULL, "pad", 0, "", 0);
	raw_finish(&r);
	sockets(sv);
	before = count_fds();
	if (fault == FD_ON_DATA) {
		send_batch(sv[0], fds, 3, (char)r.b[0]);
		write_all(sv[0], r.b + 1, r.n - 1);
	} else {
		write_all(sv[0], r.b, r.n);
		send_batch(sv[0], fds,
		           fault == EXTRA_FD  ? 4
		           : fault == FEW_FDS ? 2
		                              : 3,
		           fault == BAD_BATCH_BYTE ? 'x' : 0);
	}
	errno = 0;
	ck_assert_ptr_null(nvlist_recv(sv[1], 0));
	ck_assert_msg(errno == (fault == WRONG_FLAGS ? EILSEQ : EINVAL), "fault %d: errno %d",
	              fault, errno);
	ck_assert_msg(count_fds() == before, "fault %d: %d descriptors left", fault,
	              count_fds() - before);
}

START_TEST(failed_recv_closes_descriptors)
{
	fd_fault_case((enum fd_fault)_i);
}
END_TEST

/* A control case for the above: the same message, unspoilt, arrives. */
START_TEST(descriptor_message_control)
{
	struct raw r = {.n = 0};
	int fd = new_file(), fds[3] = {fd, fd, fd}, sv[2];
	uint8_t idx[12] = {0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0};
	nvlist_t *nvl;
	size_t n;

	raw_header(&r, 0, 3);
	raw_entry(&r, NV_TYPE_DESCRIPTOR_ARRAY, "fds", 3, idx, 12);
	raw_entry(&r, NV_TYPE_BOOL, "b", 0, "\1", 1);
	raw_finish(&r);
	sockets(sv);
	write_all(sv[0], r.b, r.n);
	send_batch(sv[0], fds, 3, 0);
	nvl = nvlist_recv(sv[1], 0);
	ck_assert_msg(nvl != NULL, "recv: %s", strerror(errno));
	ck_assert(same_file(nvlist_get_descriptor_array(nvl, "fds", &n)[2], fd) && n == 3);
	nvlist_destroy(nvl);
	/* Indices out of order are refused. */
	raw_u32_at(&r, HDR_SIZE + 12 + 4, 1);
	raw_u32_at(&r, HDR_SIZE + 12 + 4 + 4, 0);
	write_all(sv[0], r.b, r.n);
	send_batch(sv[0], fds, 3, 0);
	ck_assert_ptr_null(nvlist_recv(sv[1], 0));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* The receiver's descriptor table fills up mid-batch: EMFILE, and the
 * descriptors that did arrive are closed. */
START_TEST(recv_with_full_descriptor_table)
{
	nvlist_t *nvl = nvlist_create(0);
	int fd = new_file(), fds[64], sv[2], before, limit, room = 0;
	struct rlimit rl;

	for (int i = 0; i < 64; i++)
		fds[i] = fd;
	nvlist_add_descriptor_array(nvl, "fds", fds, 64);
	sockets(sv);
	ck_assert_int_eq(nvlist_send(sv[0], nvl), 0);
	nvlist_destroy(nvl);
	before = count_fds();
	/* The limit below which exactly four numbers are free. */
	for (limit = 0; room < 4; limit++)
		room += !fd_is_open(limit);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = (rlim_t)limit;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	errno = 0;
	ck_assert_ptr_null(nvlist_recv(sv[1], 0));
	ck_assert_int_eq(errno, EMFILE);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

START_TEST(recv_bad_flags_keeps_message)
{
	nvlist_t *nvl = nvlist_create(0), *back;
	int sv[2];

	sockets(sv);
	nvlist_add_number(nvl, "n", 3);
	ck_assert_int_eq(nvlist_send(sv[0], nvl), 0);
	errno = 0;
	ck_assert_ptr_null(nvlist_recv(sv[1], 0x100));
	ck_assert_int_eq(errno, EINVAL);
	back = nvlist_recv(sv[1], 0);
	ck_assert(back != NULL && nvlist_get_number(back, "n") == 3);
	nvlist_destroy(back);
	nvlist_destroy(nvl);
}
END_TEST

START_TEST(send_to_closed_peer)
{
	nvlist_t *nvl = rich_list();
	int sv[2];

	sockets(sv);
	close(sv[1]);
	ck_assert_fails(nvlist_send(sv[0], nvl), EPIPE); /* and no SIGPIPE */
	ck_assert_fails(nvlist_send(-1, nvl), EBADF);
	nvlist_destroy(nvl);
}
END_TEST

static volatile sig_atomic_t ticks;

static void tick(int sig)
{
	(void)sig;
	ticks++;
}

/* A timer interrupting system calls (no SA_RESTART) every 200 µs. */
static void start_ticking(void)
{
	struct sigaction sa = {.sa_handler = tick};
	struct itimerval it = {{0, 200}, {0, 200}};

	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

/* Before Check reports: its own writes need not cope with EINTR. */
static void stop_ticking(void)
{
	struct itimerval off = {{0, 0}, {0, 0}};

	ck_assert_int_eq(setitimer(ITIMER_REAL, &off, NULL), 0);
	signal(SIGALRM, SIG_IGN);
}

#define BIG (4u << 20)

static void big_receiver(void *arg)
{
	int sock = *(int *)arg;
	const uint8_t *data;
	nvlist_t *nvl;
	size_t size;

	start_ticking();
	nvl = nvlist_recv(sock, 0);
	CHILD_CHECK(nvl != NULL);
	data = nvlist_get_binary(nvl, "big", &size);
	CHILD_CHECK(size == BIG);
	for (size_t i = 0; i < size; i++)
		CHILD_CHECK(data[i] == (uint8_t)(i * 7));
	nvlist_destroy(nvl);
}

/* 4 MiB through a small socket buffer, under a storm of signals: many
 * partial writes and interrupted calls on both sides. */
START_TEST(send_partial_writes_and_eintr)
{
	nvlist_t *nvl = nvlist_create(0);
	uint8_t *data = malloc(BIG);
	int sv[2], small = 4096;
	struct child c;

	for (size_t i = 0; i < BIG; i++)
		data[i] = (uint8_t)(i * 7);
	nvlist_move_binary(nvl, "big", data, BIG);
	sockets(sv);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	ck_assert_int_eq(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	c = spawn(big_receiver, &sv[1]);
	start_ticking();
	ck_assert_int_eq(nvlist_send(sv[0], nvl), 0);
	stop_ticking();
	ck_assert_int_gt(ticks, 0);
	reap(c);
	nvlist_destroy(nvl);
}
END_TEST

static void slow_sender(void *arg)
{
	int sock = *(int *)arg, fd = new_file();
	nvlist_t *nvl = nvlist_create(0);
	void *big = calloc(1, 1 << 20);

	usleep(100000);
	nvlist_move_binary(nvl, "big", big, 1 << 20);
	nvlist_add_descriptor(nvl, "fd", fd);
	CHILD_CHECK(nvlist_send(sock, nvl) == 0);
	nvlist_destroy(nvl);
}

/* Casper channels are non-blocking: both ends wait for the socket. */
START_TEST(nonblocking_sockets)
{
	nvlist_t *nvl, *big = nvlist_create(0);
	int sv[2];
	struct child c;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	c = spawn(slow_sender, &sv[1]);
	nvl = nvlist_recv(sv[0], 0);
	ck_assert_msg(nvl != NULL, "recv: %s", strerror(errno));
	ck_assert(nvlist_exists_binary(nvl, "big") && nvlist_exists_descriptor(nvl, "fd"));
	nvlist_destroy(nvl);
	reap(c);
	/* Sending more than the buffer holds: the peer drains it later. */
	nvlist_move_binary(big, "big", calloc(1, 1 << 20), 1 << 20);
	if (fork() == 0) {
		usleep(100000);
		nvl = nvlist_recv(sv[1], 0);
		_exit(nvl != NULL && nvlist_exists_binary(nvl, "big") ? 0 : 1);
	}
	ck_assert_int_eq(nvlist_send(sv[0], big), 0);
	int st;
	ck_assert_int_gt(wait(&st), 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	nvlist_destroy(big);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("nv");
	TCase *api = tcase_create("api"), *aborts = tcase_create("aborts");
	TCase *format = tcase_create("format"), *transport = tcase_create("transport");

	tcase_add_test(api, create_and_flags);
	tcase_add_test(api, null_list_is_out_of_memory);
	tcase_add_test(api, exports_only_the_api);
	tcase_add_test(api, scalars_add_get);
	tcase_add_test(api, exists_by_type);
	tcase_add_test(api, arrays_add_get);
	tcase_add_test(api, take_every_type);
	tcase_add_test(api, free_every_type);
	tcase_add_test(api, destroy_closes_descriptors);
	tcase_add_test(api, move_every_type);
	tcase_add_test(api, move_into_failed_list_releases);
	tcase_add_test(api, move_descriptor_array_into_failed_list);
	tcase_add_test(api, move_with_duplicate_name_releases);
	tcase_add_test(api, move_nvlist_ownership);
	tcase_add_test(api, append_arrays);
	tcase_add_test(api, sticky_error);
	tcase_add_test(api, bad_names_and_values);
	tcase_add_test(api, failed_list_spreads_its_error);
	tcase_add_test(api, no_unique_names);
	tcase_add_test(api, ignore_case_names);
	tcase_add_test(api, many_entries_in_order);
	tcase_add_test(api, iterate_nested_and_arrays);
	tcase_add_test(api, parents_and_array_links);
	tcase_add_test(api, clone_is_deep);
	tcase_add_test(api, dnvlist_defaults);
	tcase_add_test(api, cnvlist_by_cookie);
	tcase_add_test(api, cnvlist_free_and_take_rest);
	tcase_add_test(api, dump_readable);
	suite_add_tcase(s, api);

	tcase_add_test_raise_signal(aborts, get_missing_aborts, SIGABRT);
	tcase_add_test_raise_signal(aborts, get_wrong_type_aborts, SIGABRT);
	tcase_add_test_raise_signal(aborts, take_missing_aborts, SIGABRT);
	tcase_add_test_raise_signal(aborts, free_missing_aborts, SIGABRT);
	tcase_add_test_raise_signal(aborts, cnvlist_wrong_type_aborts, SIGABRT);
	tcase_add_test_raise_signal(aborts, bad_pointer_aborts, SIGABRT);
	tcase_add_test_raise_signal(aborts, destroy_nested_aborts, SIGABRT);
	tcase_add_test_raise_signal(aborts, foreign_cookie_aborts, SIGABRT);
	suite_add_tcase(s, aborts);

	tcase_add_test(format, pack_unpack_round_trip);
	tcase_add_test(format, pack_refuses_descriptors);
	tcase_add_test(format, unpack_checks_flags);
	tcase_add_test(format, unpack_every_truncation);
	tcase_add_test(format, unpack_bit_flips_canonical);
	tcase_add_loop_test(format, unpack_malformed, 0, (int)ARRAY_LEN(bad_cases));
	tcase_add_test(format, unpack_refuses_an_amplifying_message);
	tcase_add_test(format, unpack_scales_linearly);
	tcase_add_test(format, pack_depth_bound);
	tcase_add_test(format, pack_size_bound);
	suite_add_tcase(s, format);

	tcase_add_test(transport, send_recv_round_trip);
	tcase_add_test(transport, send_recv_300_descriptors);
	tcase_add_test(transport, xfer_round_trip);
	tcase_add_test(transport, peer_closes_mid_message);
	tcase_add_test(transport, peer_closes_mid_descriptors);
	tcase_add_test(transport, recv_refuses_huge_size);
	tcase_add_test(transport, recv_allocates_as_data_arrives);
	tcase_add_loop_test(transport, failed_recv_closes_descriptors, BAD_BODY, FEW_FDS + 1);
	tcase_add_test(transport, descriptor_message_control);
	tcase_add_test(transport, recv_with_full_descriptor_table);
	tcase_add_test(transport, recv_bad_flags_keeps_message);
	tcase_add_test(transport, send_to_closed_peer);
	tcase_add_test(transport, send_partial_writes_and_eintr);
	tcase_add_test(transport, nonblocking_sockets);
	tcase_set_timeout(transport, 30);
	suite_add_tcase(s, transport);
	return s;
}

TEST_MAIN()
