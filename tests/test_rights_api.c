/*
 * The cap_rights_t helpers against FreeBSD's values and semantics
 * (spec 2.1-2.4): constants bit for bit, compound rights, and aborts on
 * invalid input.
 */
#include <signal.h>
#include <stdint.h>

#include <sys/capsicum.h>

#include "harness.h"

START_TEST(constants_match_freebsd)
{
	/* A sample of every kind: plain, compound, word 1, bundles, totals. */
	ck_assert_uint_eq(CAP_READ, 0x0200000000000001ULL);
	ck_assert_uint_eq(CAP_WRITE, 0x0200000000000002ULL);
	ck_assert_uint_eq(CAP_SEEK_TELL, 0x0200000000000004ULL);
	ck_assert_uint_eq(CAP_SEEK, 0x020000000000000CULL);
	ck_assert_uint_eq(CAP_PREAD, 0x020000000000000DULL);
	ck_assert_uint_eq(CAP_PWRITE, 0x020000000000000EULL);
	ck_assert_uint_eq(CAP_MMAP, 0x0200000000000010ULL);
	ck_assert_uint_eq(CAP_MMAP_R, 0x020000000000001DULL);
	ck_assert_uint_eq(CAP_MMAP_W, 0x020000000000001EULL);
	ck_assert_uint_eq(CAP_MMAP_X, 0x020000000000003CULL);
	ck_assert_uint_eq(CAP_MMAP_RW, 0x020000000000001FULL);
	ck_assert_uint_eq(CAP_MMAP_RX, 0x020000000000003DULL);
	ck_assert_uint_eq(CAP_MMAP_WX, 0x020000000000003EULL);
	ck_assert_uint_eq(CAP_MMAP_RWX, 0x020000000000003FULL);
	ck_assert_uint_eq(CAP_CREATE, 0x0200000000000040ULL);
	ck_assert_uint_eq(CAP_FEXECVE, 0x0200000000000080ULL);
	ck_assert_uint_eq(CAP_FSYNC, 0x0200000000000100ULL);
	ck_assert_uint_eq(CAP_FTRUNCATE, 0x0200000000000200ULL);
	ck_assert_uint_eq(CAP_LOOKUP, 0x0200000000000400ULL);
	ck_assert_uint_eq(CAP_FCHDIR, 0x0200000000000800ULL);
	ck_assert_uint_eq(CAP_FCHFLAGS, 0x0200000000001000ULL);
	ck_assert_uint_eq(CAP_CHFLAGSAT, 0x0200000000001400ULL);
	ck_assert_uint_eq(CAP_FCHMOD, 0x0200000000002000ULL);
	ck_assert_uint_eq(CAP_FCHMODAT, 0x0200000000002400ULL);
	ck_assert_uint_eq(CAP_FCHOWN, 0x0200000000004000ULL);
	ck_assert_uint_eq(CAP_FCHOWNAT, 0x0200000000004400ULL);
	ck_assert_uint_eq(CAP_FCNTL, 0x0200000000008000ULL);
	ck_assert_uint_eq(CAP_FLOCK, 0x0200000000010000ULL);
	ck_assert_uint_eq(CAP_FPATHCONF, 0x0200000000020000ULL);
	ck_assert_uint_eq(CAP_FSCK, 0x0200000000040000ULL);
	ck_assert_uint_eq(CAP_FSTAT, 0x0200000000080000ULL);
	ck_assert_uint_eq(CAP_FSTATAT, 0x0200000000080400ULL);
	ck_assert_uint_eq(CAP_FSTATFS, 0x0200000000100000ULL);
	ck_assert_uint_eq(CAP_FUTIMES, 0x0200000000200000ULL);
	ck_assert_uint_eq(CAP_FUTIMESAT, 0x0200000000200400ULL);
	ck_assert_uint_eq(CAP_LINKAT_TARGET, 0x0200000000400400ULL);
	ck_assert_uint_eq(CAP_MKDIRAT, 0x0200000000800400ULL);
	ck_assert_uint_eq(CAP_MKFIFOAT, 0x0200000001000400ULL);
	ck_assert_uint_eq(CAP_MKNODAT, 0x0200000002000400ULL);
	ck_assert_uint_eq(CAP_RENAMEAT_SOURCE, 0x0200000004000400ULL);
	ck_assert_uint_eq(CAP_SYMLINKAT, 0x0200000008000400ULL);
	ck_assert_uint_eq(CAP_UNLINKAT, 0x0200000010000400ULL);
	ck_assert_uint_eq(CAP_ACCEPT, 0x0200000020000000ULL);
	ck_assert_uint_eq(CAP_BIND, 0x0200000040000000ULL);
	ck_assert_uint_eq(CAP_CONNECT, 0x0200000080000000ULL);
	ck_assert_uint_eq(CAP_GETPEERNAME, 0x0200000100000000ULL);
	ck_assert_uint_eq(CAP_GETSOCKNAME, 0x0200000200000000ULL);
	ck_assert_uint_eq(CAP_GETSOCKOPT, 0x0200000400000000ULL);
	ck_assert_uint_eq(CAP_LISTEN, 0x0200000800000000ULL);
	ck_assert_uint_eq(CAP_PEELOFF, 0x0200001000000000ULL);
	ck_assert_uint_eq(CAP_RECV, CAP_READ);
	ck_assert_uint_eq(CAP_SEND, CAP_WRITE);
	ck_assert_uint_eq(CAP_SETSOCKOPT, 0x0200002000000000ULL);
	ck_assert_uint_eq(CAP_SHUTDOWN, 0x0200004000000000ULL);
	ck_assert_uint_eq(CAP_BINDAT, 0x0200008000000400ULL);
	ck_assert_uint_eq(CAP_CONNECTAT, 0x0200010000000400ULL);
	ck_assert_uint_eq(CAP_LINKAT_SOURCE, 0x0200020000000400ULL);
	ck_assert_uint_eq(CAP_RENAMEAT_TARGET, 0x0200040000000400ULL);
	ck_assert_uint_eq(CAP_FCHROOT, 0x0200080000000000ULL);
	ck_assert_uint_eq(CAP_SOCK_CLIENT, 0x0200007780000003ULL);
	ck_assert_uint_eq(CAP_SOCK_SERVER, 0x0200007F60000003ULL);
	ck_assert_uint_eq(CAP_ALL0, 0x02000FFFFFFFFFFFULL);

	ck_assert_uint_eq(CAP_MAC_GET, 0x0400000000000001ULL);
	ck_assert_uint_eq(CAP_MAC_SET, 0x0400000000000002ULL);
	ck_assert_uint_eq(CAP_SEM_GETVALUE, 0x0400000000000004ULL);
	ck_assert_uint_eq(CAP_SEM_POST, 0x0400000000000008ULL);
	ck_assert_uint_eq(CAP_SEM_WAIT, 0x0400000000000010ULL);
	ck_assert_uint_eq(CAP_EVENT, 0x0400000000000020ULL);
	ck_assert_uint_eq(CAP_POLL_EVENT, CAP_EVENT);
	ck_assert_uint_eq(CAP_KQUEUE_EVENT, 0x0400000000000040ULL);
	ck_assert_uint_eq(CAP_IOCTL, 0x0400000000000080ULL);
	ck_assert_uint_eq(CAP_TTYHOOK, 0x0400000000000100ULL);
	ck_assert_uint_eq(CAP_PDGETPID, 0x0400000000000200ULL);
	ck_assert_uint_eq(CAP_PDWAIT, 0x0400000000000400ULL);
	ck_assert_uint_eq(CAP_PDKILL, 0x0400000000000800ULL);
	ck_assert_uint_eq(CAP_EXTATTR_DELETE, 0x0400000000001000ULL);
	ck_assert_uint_eq(CAP_EXTATTR_GET, 0x0400000000002000ULL);
	ck_assert_uint_eq(CAP_EXTATTR_LIST, 0x0400000000004000ULL);
	ck_assert_uint_eq(CAP_EXTATTR_SET, 0x0400000000008000ULL);
	ck_assert_uint_eq(CAP_ACL_CHECK, 0x0400000000010000ULL);
	ck_assert_uint_eq(CAP_ACL_DELETE, 0x0400000000020000ULL);
	ck_assert_uint_eq(CAP_ACL_GET, 0x0400000000040000ULL);
	ck_assert_uint_eq(CAP_ACL_SET, 0x0400000000080000ULL);
	ck_assert_uint_eq(CAP_KQUEUE_CHANGE, 0x0400000000100000ULL);
	ck_assert_uint_eq(CAP_KQUEUE, 0x0400000000100040ULL);
	ck_assert_uint_eq(CAP_INOTIFY_ADD, 0x0400000000200000ULL);
	ck_assert_uint_eq(CAP_INOTIFY_RM, 0x0400000000400000ULL);
	ck_assert_uint_eq(CAP_ALL1, 0x04000000007FFFFFULL);

	ck_assert_int_eq(CAP_FCNTL_GETFL, 0x08);
	ck_assert_int_eq(CAP_FCNTL_SETFL, 0x10);
	ck_assert_int_eq(CAP_FCNTL_GETOWN, 0x20);
	ck_assert_int_eq(CAP_FCNTL_SETOWN, 0x40);
	ck_assert_int_eq(CAP_FCNTL_ALL, 0x78);
	ck_assert_int_eq(CAP_IOCTLS_LIMIT_MAX, 256);
	ck_assert(CAP_IOCTLS_ALL == SSIZE_MAX);
	ck_assert_int_eq(sizeof(cap_rights_t), 16);
}
END_TEST

START_TEST(errno_values)
{
	ck_assert_int_eq(ECAPMODE, 134);
	ck_assert_int_eq(ENOTCAPABLE, 135);
	ck_assert_int_eq(ENOTCAP, ENOTCAPABLE);
}
END_TEST

START_TEST(init_none_and_all)
{
	cap_rights_t r, all;

	cap_rights_init(&r);
	ck_assert_uint_eq(r.cr_rights[0], 0x0200000000000000ULL);
	ck_assert_uint_eq(r.cr_rights[1], 0x0400000000000000ULL);
	ck_assert(cap_rights_is_valid(&r));
	ck_assert(cap_rights_is_empty(&r));

	CAP_ALL(&all);
	ck_assert_uint_eq(all.cr_rights[0], CAP_ALL0);
	ck_assert_uint_eq(all.cr_rights[1], CAP_ALL1);
	ck_assert(cap_rights_is_valid(&all));
	ck_assert(!cap_rights_is_empty(&all));
	ck_assert(cap_rights_contains(&all, &r));
	ck_assert(!cap_rights_contains(&r, &all));
}
END_TEST

START_TEST(init_returns_its_argument)
{
	cap_rights_t r;

	ck_assert_ptr_eq(cap_rights_init(&r, CAP_READ), &r);
	ck_assert_ptr_eq(cap_rights_set(&r, CAP_WRITE), &r);
	ck_assert_ptr_eq(cap_rights_clear(&r, CAP_WRITE), &r);
}
END_TEST

START_TEST(init_routes_rights_to_their_word)
{
	cap_rights_t r;

	cap_rights_init(&r, CAP_READ, CAP_EVENT, CAP_IOCTL, CAP_FSTAT);
	ck_assert_uint_eq(r.cr_rights[0], CAP_READ | CAP_FSTAT);
	ck_assert_uint_eq(r.cr_rights[1], CAP_EVENT | CAP_IOCTL);
	ck_assert(cap_rights_is_set(&r, CAP_READ, CAP_EVENT));
	ck_assert(!cap_rights_is_set(&r, CAP_READ, CAP_WRITE));
	ck_assert(!cap_rights_is_set(&r, CAP_PDKILL));
}
END_TEST

START_TEST(compound_rights_need_all_bits)
{
	cap_rights_t r;

	cap_rights_init(&r, CAP_READ);
	ck_assert(!cap_rights_is_set(&r, CAP_PREAD)); /* needs SEEK too */
	cap_rights_set(&r, CAP_SEEK);
	ck_assert(cap_rights_is_set(&r, CAP_PREAD));
	ck_assert(cap_rights_is_set(&r, CAP_SEEK_TELL));

	/* Clearing a compound right clears every component bit. */
	cap_rights_init(&r, CAP_FSTATAT, CAP_READ);
	cap_rights_clear(&r, CAP_FSTATAT);
	ck_assert(!cap_rights_is_set(&r, CAP_LOOKUP));
	ck_assert(!cap_rights_is_set(&r, CAP_FSTAT));
	ck_assert(cap_rights_is_set(&r, CAP_READ));

	cap_rights_init(&r, CAP_SEEK);
	cap_rights_clear(&r, CAP_SEEK);
	ck_assert(!cap_rights_is_set(&r, CAP_SEEK_TELL));

	cap_rights_init(&r, CAP_MMAP_R, CAP_WRITE);
	cap_rights_clear(&r, CAP_MMAP_R);
	ck_assert(!cap_rights_is_set(&r, CAP_READ));
	ck_assert(!cap_rights_is_set(&r, CAP_SEEK_TELL));
	ck_assert(cap_rights_is_set(&r, CAP_WRITE));
	ck_assert(cap_rights_is_valid(&r)); /* markers kept */
}
END_TEST

START_TEST(merge_remove_contains)
{
	cap_rights_t a, b, c;

	cap_rights_init(&a, CAP_READ, CAP_EVENT);
	cap_rights_init(&b, CAP_WRITE, CAP_EVENT, CAP_PDKILL);
	c = a;
	ck_assert_ptr_eq(cap_rights_merge(&c, &b), &c);
	ck_assert(cap_rights_is_set(&c, CAP_READ, CAP_WRITE, CAP_EVENT, CAP_PDKILL));
	ck_assert(cap_rights_contains(&c, &a));
	ck_assert(cap_rights_contains(&c, &b));
	ck_assert(!cap_rights_contains(&a, &b));

	ck_assert_ptr_eq(cap_rights_remove(&c, &a), &c);
	ck_assert(!cap_rights_is_set(&c, CAP_READ));
	ck_assert(!cap_rights_is_set(&c, CAP_EVENT));
	ck_assert(cap_rights_is_set(&c, CAP_WRITE, CAP_PDKILL));
	ck_assert(cap_rights_is_valid(&c));

	/* Identical sets contain each other. */
	ck_assert(cap_rights_contains(&a, &a));
}
END_TEST

START_TEST(is_valid_rejects_malformed)
{
	cap_rights_t r;

	cap_rights_init(&r, CAP_READ);
	r.cr_rights[0] |= 1ULL << 62; /* version 1 */
	ck_assert(!cap_rights_is_valid(&r));

	cap_rights_init(&r, CAP_READ);
	r.cr_rights[0] &= ~(1ULL << 57); /* no marker */
	ck_assert(!cap_rights_is_valid(&r));

	cap_rights_init(&r, CAP_READ);
	r.cr_rights[1] = CAPRIGHT(0, 0); /* word 1 carrying word 0's marker */
	ck_assert(!cap_rights_is_valid(&r));

	cap_rights_init(&r, CAP_READ);
	r.cr_rights[0] |= CAP_UNUSED0_57; /* unknown bit */
	ck_assert(!cap_rights_is_valid(&r));

	cap_rights_init(&r);
	r.cr_rights[1] |= CAP_UNUSED1_24;
	ck_assert(!cap_rights_is_valid(&r));

	cap_rights_init(&r);
	r.cr_rights[1] |= 1ULL << 62; /* version bits in word 1 */
	ck_assert(!cap_rights_is_valid(&r));

	cap_rights_init(&r);
	r.cr_rights[0] |= 1ULL << 58; /* two markers */
	ck_assert(!cap_rights_is_valid(&r));
}
END_TEST

/* Invalid input aborts, as FreeBSD's assertions do. */
START_TEST(abort_on_right_without_marker)
{
	cap_rights_t r;

	cap_rights_init(&r, 0x1ULL | 0x2ULL); /* bare bits, no word marker */
}
END_TEST

START_TEST(abort_on_bad_version)
{
	cap_rights_t r;

	__cap_rights_init(1, &r, CAP_READ, 0ULL);
}
END_TEST

START_TEST(abort_on_set_invalid_rights)
{
	cap_rights_t r = {{0, 0}};

	cap_rights_set(&r, CAP_READ);
}
END_TEST

START_TEST(abort_on_merge_invalid)
{
	cap_rights_t a, b = {{0, 0}};

	cap_rights_init(&a, CAP_READ);
	cap_rights_merge(&a, &b);
}
END_TEST

START_TEST(abort_on_remove_invalid)
{
	cap_rights_t a, b = {{CAP_READ, CAP_READ}};

	cap_rights_init(&a, CAP_READ);
	cap_rights_remove(&a, &b);
}
END_TEST

START_TEST(abort_on_is_set_invalid)
{
	cap_rights_t r = {{~0ULL, ~0ULL}};

	(void)cap_rights_is_set(&r, CAP_READ);
}
END_TEST

START_TEST(abort_on_unused_marker)
{
	cap_rights_t r;

	cap_rights_init(&r, (1ULL << 59) | 1ULL); /* index 2: not in version 0 */
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("rights_api");
	TCase *tc = tcase_create("helpers");
	TCase *ab = tcase_create("aborts");

	tcase_add_test(tc, constants_match_freebsd);
	tcase_add_test(tc, errno_values);
	tcase_add_test(tc, init_none_and_all);
	tcase_add_test(tc, init_returns_its_argument);
	tcase_add_test(tc, init_routes_rights_to_their_word);
	tcase_add_test(tc, compound_rights_need_all_bits);
	tcase_add_test(tc, merge_remove_contains);
	tcase_add_test(tc, is_valid_rejects_malformed);
	tcase_add_test_raise_signal(ab, abort_on_right_without_marker, SIGABRT);
	tcase_add_test_raise_signal(ab, abort_on_bad_version, SIGABRT);
	tcase_add_test_raise_signal(ab, abort_on_set_invalid_rights, SIGABRT);
	tcase_add_test_raise_signal(ab, abort_on_merge_invalid, SIGABRT);
	tcase_add_test_raise_signal(ab, abort_on_remove_invalid, SIGABRT);
	tcase_add_test_raise_signal(ab, abort_on_is_set_invalid, SIGABRT);
	tcase_add_test_raise_signal(ab, abort_on_unused_marker, SIGABRT);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, ab);
	return s;
}

TEST_MAIN()
