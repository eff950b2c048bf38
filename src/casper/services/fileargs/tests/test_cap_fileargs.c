/*
 * system.fileargs: the listed files opened, lstat'ed and resolved from
 * capability mode and compared with the plain calls; exact names only;
 * O_CREAT; the cache of pre-opened files; rights on the descriptors
 * (and what a client that sends its own requests gets); limits set once,
 * malformed limits; hostile requests; confinement of the service.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <casper/cap_fileargs.h>
#include <libcasper.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "casper_test.h"
#include "harness.h"

#define NMANY 300

static char many[NMANY][32];
static char *many_names[NMANY];

static void put_file(const char *name, const char *content)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content))
		abort();
	close(fd);
}

/*
 * The scratch directory: a, b, rw, link -> a, loop -> loop, sub/,
 * noaccess/x (mode 0 directory), many/f000 ...
 */
static void setup(void)
{
	char path[64];

	scratch_setup("fileargs");
	if (chdir(scratch_dir()) != 0 || mkdir("sub", 0755) != 0 || mkdir("many", 0755) != 0 ||
	    mkdir("noaccess", 0755) != 0 || symlink("a", "link") != 0 ||
	    symlink("loop", "loop") != 0)
		abort();
	put_file("noaccess/x", "x\n");
	if (chmod("noaccess", 0) != 0)
		abort();
	put_file("a", "alpha\n");
	put_file("b", "bravo\n");
	put_file("rw", "rw-data\n");
	for (int i = 0; i < NMANY; i++) {
		snprintf(many[i], sizeof(many[i]), "many/f%03d", i);
		snprintf(path, sizeof(path), "%d\n", i);
		put_file(many[i], path);
		many_names[i] = many[i];
	}
}

static void teardown(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/noaccess", scratch_dir());
	(void)chmod(path, 0755);
	scratch_teardown();
}

static void enter_dir(void)
{
	ck_assert_int_eq(chdir(scratch_dir()), 0);
}

static int landlock_present(void)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0, 1) >= 0;
}

/* Descriptors open in this process (works in capability mode). */
static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* The whole content of fd (closed). */
static char *slurp_fd(int fd)
{
	static char buf[256];
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

/* What setup wrote in many[i]. */
static const char *content_of(int i)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "%d\n", i);
	return buf;
}

static char *slurp(const char *path)
{
	return slurp_fd(open(path, O_RDONLY));
}

static fileargs_t *init(int argc, char **argv, int flags, mode_t mode, cap_rights_t *rights,
                        int ops)
{
	fileargs_t *fa = fileargs_init(argc, argv, flags, mode, rights, ops);

	ck_assert_msg(fa != NULL, "fileargs_init: %s", strerror(errno));
	return fa;
}

static nvlist_t *request(const char *cmd, const char *name)
{
	nvlist_t *nvl = nvlist_create(NV_FLAG_NO_UNIQUE);

	if (cmd != NULL)
		nvlist_add_string(nvl, "cmd", cmd);
	if (name != NULL)
		nvlist_add_string(nvl, "name", name);
	return nvl;
}

/* ---- the calls, from capability mode ---- */

START_TEST(open_listed_files)
{
	char *names[] = {"a", "b"}, want_a[64], want_b[64], line[64];
	fileargs_t *fa;
	FILE *f;

	enter_dir();
	strcpy(want_a, slurp("a"));
	strcpy(want_b, slurp("b"));
	fa = init(2, names, O_RDONLY, 0, NULL, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_fails(open("a", O_RDONLY), ECAPMODE);
	ck_assert_str_eq(slurp_fd(fileargs_open(fa, "a")), want_a);
	ck_assert_str_eq(slurp_fd(fileargs_open(fa, "b")), want_b);
	ck_assert_str_eq(slurp_fd(fileargs_open(fa, "a")), want_a);
	f = fileargs_fopen(fa, "b", "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, want_b);
	fclose(f);
	ck_assert_fails(fileargs_open(fa, NULL), EINVAL);
	errno = 0;
	ck_assert_ptr_null(fileargs_fopen(fa, "rw", "r"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	fileargs_free(fa);
}
END_TEST

/* A listed file under another spelling is another name. */
START_TEST(exact_names_only)
{
	char *names[] = {"a"}, abs[PATH_MAX];
	const char *other[] = {"./a", "a/../a", "a/", "A", "", "link", "b", abs};
	fileargs_t *fa;
	struct stat sb;

	enter_dir();
	snprintf(abs, sizeof(abs), "%s/a", scratch_dir());
	fa = init(1, names, O_RDONLY, 0, NULL, FA_OPEN | FA_LSTAT | FA_REALPATH);
	ck_assert_int_eq(cap_enter(), 0);
	for (size_t i = 0; i < ARRAY_LEN(other); i++) {
		ck_assert_fails(fileargs_open(fa, other[i]), ENOTCAPABLE);
		ck_assert_fails(fileargs_lstat(fa, other[i], &sb), ENOTCAPABLE);
		errno = 0;
		ck_assert_ptr_null(fileargs_realpath(fa, other[i], NULL));
		ck_assert_int_eq(errno, ENOTCAPABLE);
	}
	ck_assert_int_ge(fileargs_open(fa, "a"), 0);
	fileargs_free(fa);
}
END_TEST

START_TEST(lstat_and_realpath)
{
	char *names[] = {"link", "a", "sub"}, want_path[PATH_MAX], buf[PATH_MAX], *p;
	struct stat want, sb;
	fileargs_t *fa;

	enter_dir();
	ck_assert_int_eq(lstat("link", &want), 0);
	ck_assert_ptr_nonnull(realpath("link", want_path));
	fa = init(3, names, O_RDONLY, 0, NULL, FA_LSTAT | FA_REALPATH);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(fileargs_lstat(fa, "link", &sb), 0);
	ck_assert(S_ISLNK(sb.st_mode));
	ck_assert(sb.st_ino == want.st_ino && sb.st_dev == want.st_dev);
	ck_assert(sb.st_size == want.st_size && sb.st_mode == want.st_mode);
	ck_assert_int_eq(fileargs_lstat(fa, "sub", &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	p = fileargs_realpath(fa, "link", NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, want_path);
	free(p);
	ck_assert_ptr_eq(fileargs_realpath(fa, "link", buf), buf);
	ck_assert_str_eq(buf, want_path);
	ck_assert_fails(fileargs_lstat(fa, "a", NULL), EFAULT);
	ck_assert_fails(fileargs_lstat(fa, NULL, &sb), EINVAL);
	errno = 0;
	ck_assert_ptr_null(fileargs_realpath(fa, NULL, NULL));
	ck_assert_int_eq(errno, EINVAL);
	/* Not an allowed operation. */
	ck_assert_fails(fileargs_open(fa, "a"), ENOTCAPABLE);
	fileargs_free(fa);
}
END_TEST

START_TEST(operations_gate_each_call)
{
	char *names[] = {"a"};
	fileargs_t *fa;
	struct stat sb;

	enter_dir();
	fa = init(1, names, O_RDONLY, 0, NULL, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_fails(fileargs_lstat(fa, "a", &sb), ENOTCAPABLE);
	errno = 0;
	ck_assert_ptr_null(fileargs_realpath(fa, "a", NULL));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	fileargs_free(fa);
}
END_TEST

/* The service's errors are the plain calls' errors. */
START_TEST(errors_of_the_calls)
{
	char *names[] = {"missing", "sub"};
	fileargs_t *fa;
	struct stat sb;

	enter_dir();
	fa = init(2, names, O_RDONLY | O_NOFOLLOW, 0, NULL, FA_OPEN | FA_LSTAT | FA_REALPATH);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_fails(fileargs_open(fa, "missing"), ENOENT);
	ck_assert_fails(fileargs_lstat(fa, "missing", &sb), ENOENT);
	errno = 0;
	ck_assert_ptr_null(fileargs_realpath(fa, "missing", NULL));
	ck_assert_int_eq(errno, ENOENT);
	fileargs_free(fa);
}
END_TEST

/* Names the service cannot reach now are left out, not fatal to the list. */
START_TEST(unreachable_names)
{
	char *names[] = {"noaccess/x", "loop", "a"};
	int readable, fd;
	fileargs_t *fa;

	enter_dir();
	readable = access("noaccess/x", R_OK) == 0;
	fa = init(3, names, O_RDONLY, 0, NULL, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_str_eq(slurp_fd(fileargs_open(fa, "a")), "alpha\n");
	ck_assert_fails(fileargs_open(fa, "loop"), ELOOP);
	fd = fileargs_open(fa, "noaccess/x");
	if (readable)
		ck_assert_str_eq(slurp_fd(fd), "x\n");
	else
		ck_assert_int_eq(fd == -1 ? errno : 0, EACCES);
	fileargs_free(fa);
}
END_TEST

static void create_child(void *arg)
{
	char *names[] = {"new1", "sub/new2"};
	fileargs_t *fa;
	struct stat sb;
	int fd, n0;

	(void)arg;
	fa = fileargs_init(2, names, O_CREAT | O_WRONLY | O_TRUNC, 0640, NULL, FA_OPEN);
	CHILD_CHECK(fa != NULL);
	CHILD_CHECK(cap_enter() == 0);
	n0 = count_fds();
	CHILD_CHECK((fd = fileargs_open(fa, "new1")) >= 0);
	/* No cache with O_CREAT: one descriptor came. */
	CHILD_CHECK(count_fds() == n0 + 1);
	CHILD_CHECK(write(fd, "created\n", 8) == 8);
	CHILD_CHECK(fstat(fd, &sb) == 0 && (sb.st_mode & 07777) == 0640);
	CHILD_FAILS(read(fd, &sb, 1), EBADF);
	close(fd);
	CHILD_CHECK((fd = fileargs_open(fa, "sub/new2")) >= 0);
	CHILD_CHECK(write(fd, "two\n", 4) == 4);
	close(fd);
	CHILD_FAILS(fileargs_open(fa, "new3"), ENOTCAPABLE);
	fileargs_free(fa);
}

START_TEST(create_files)
{
	struct stat sb;

	enter_dir();
	umask(022);
	reap(spawn(create_child, NULL));
	ck_assert_str_eq(slurp("new1"), "created\n");
	ck_assert_str_eq(slurp("sub/new2"), "two\n");
	ck_assert_int_eq(stat("new1", &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0640);
	ck_assert_int_eq(access("new3", F_OK), -1);
}
END_TEST

/* ---- the cache ---- */

START_TEST(cache_of_following_names)
{
	int n0, fd, flags;
	fileargs_t *fa;
	struct stat sb, want_sb;

	enter_dir();
	ck_assert_int_eq(lstat(many[200], &want_sb), 0);
	fa = init(NMANY, many_names, O_RDONLY, 0, NULL, FA_OPEN | FA_LSTAT);
	ck_assert_int_eq(cap_enter(), 0);
	n0 = count_fds();
	fd = fileargs_open(fa, many[0]);
	ck_assert_str_eq(slurp_fd(fd), "0\n");
	/* The next 128 came along. */
	ck_assert_int_eq(count_fds(), n0 + 128);
	for (int i = 1; i <= 128; i++) {
		fd = fileargs_open(fa, many[i]);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_ge(flags = fcntl(fd, F_GETFD), 0);
		ck_assert_int_eq(flags & FD_CLOEXEC, 0);
		ck_assert_str_eq(slurp_fd(fd), content_of(i));
		ck_assert_int_eq(count_fds(), n0 + 128 - i);
	}
	/* A cached descriptor goes out once; then the service opens it. */
	ck_assert_str_eq(slurp_fd(fileargs_open(fa, many[1])), "1\n");
	ck_assert_int_eq(count_fds(), n0);
	/* The name after the batch brings the next one. */
	ck_assert_str_eq(slurp_fd(fileargs_open(fa, many[129])), "129\n");
	ck_assert_int_eq(count_fds(), n0 + 128);
	ck_assert_int_eq(fileargs_lstat(fa, many[200], &sb), 0);
	ck_assert(sb.st_ino == want_sb.st_ino && sb.st_size == want_sb.st_size);
	ck_assert_str_eq(slurp_fd(fileargs_open(fa, many[299])), "299\n");
	fileargs_free(fa);
	ck_assert_int_eq(count_fds(), n0 - 1); /* the channel is gone too */
}
END_TEST

START_TEST(cache_by_lstat_and_cloexec)
{
	fileargs_t *fa;
	struct stat sb;
	int n0, fd;

	enter_dir();
	fa = init(NMANY, many_names, O_RDONLY | O_CLOEXEC, 0, NULL, FA_OPEN | FA_LSTAT);
	ck_assert_int_eq(cap_enter(), 0);
	n0 = count_fds();
	ck_assert_int_eq(fileargs_lstat(fa, many[0], &sb), 0);
	ck_assert_int_eq(count_fds(), n0 + 128);
	ck_assert_int_eq(fileargs_lstat(fa, many[5], &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	fd = fileargs_open(fa, many[5]);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_str_eq(slurp_fd(fd), "5\n");
	fd = fileargs_open(fa, many[0]); /* not cached: the service's */
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_str_eq(slurp_fd(fd), "0\n");
	fileargs_free(fa);
}
END_TEST

/* ---- rights ---- */

START_TEST(rights_limit_descriptors)
{
	char *names[] = {"rw"};
	cap_rights_t rights, got;
	fileargs_t *fa;
	char buf[16];
	int fd;

	enter_dir();
	cap_rights_init(&rights, CAP_READ, CAP_SEEK, CAP_FSTAT, CAP_FCNTL);
	fa = init(1, names, O_RDWR, 0, &rights, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	fd = fileargs_open(fa, "rw");
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(cap_rights_get(fd, &got), 0);
	ck_assert(cap_rights_contains(&rights, &got) && cap_rights_contains(&got, &rights));
	ck_assert_int_eq(read(fd, buf, 2), 2);
	ck_assert_fails(write(fd, "x", 1), ENOTCAPABLE);
	/* Opened read-only: the rights' bound holds in the open mode too. */
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	close(fd);
	fileargs_free(fa);
}
END_TEST

/* Without CAP_READ, reading and writing flags open for writing only. */
START_TEST(rights_without_read_open_write_only)
{
	char *names[] = {"rw"};
	cap_rights_t rights, got;
	fileargs_t *fa;
	int fd;

	enter_dir();
	cap_rights_init(&rights, CAP_WRITE, CAP_FSTAT, CAP_FCNTL);
	fa = init(1, names, O_RDWR, 0, &rights, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	fd = fileargs_open(fa, "rw");
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
	ck_assert_int_eq(cap_rights_get(fd, &got), 0);
	ck_assert(cap_rights_contains(&rights, &got) && cap_rights_contains(&got, &rights));
	close(fd);
	fileargs_free(fa);
}
END_TEST

/*
 * A number that held a descriptor limited otherwise keeps that rule
 * (libcapsicum): the next descriptor there gets what both allow.
 */
START_TEST(rights_on_a_reused_number)
{
	char *names[] = {"rw"};
	cap_rights_t ra, rb, both, got;
	fileargs_t *fa, *fb;
	int fd, fd2;

	enter_dir();
	cap_rights_init(&ra, CAP_READ, CAP_FSTAT, CAP_FCNTL);
	cap_rights_init(&rb, CAP_READ, CAP_WRITE, CAP_FSTAT);
	cap_rights_init(&both, CAP_READ, CAP_FSTAT);
	fa = init(1, names, O_RDONLY, 0, &ra, FA_OPEN);
	fb = init(1, names, O_RDWR, 0, &rb, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	fd = fileargs_open(fa, "rw");
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd2 = fileargs_open(fb, "rw");
	ck_assert_int_eq(fd2, fd);
	ck_assert_int_eq(cap_rights_get(fd2, &got), 0);
	ck_assert(cap_rights_contains(&both, &got) && cap_rights_contains(&got, &both));
	ck_assert_fails(write(fd2, "x", 1), ENOTCAPABLE);
	close(fd2);
	fileargs_free(fa);
	fileargs_free(fb);
}
END_TEST

START_TEST(rights_without_write_refuse_write_only)
{
	char *names[] = {"rw"};
	cap_rights_t rights;
	fileargs_t *fa;

	enter_dir();
	cap_rights_init(&rights, CAP_READ, CAP_FSTAT);
	fa = init(1, names, O_WRONLY, 0, &rights, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_fails(fileargs_open(fa, "rw"), ENOTCAPABLE);
	fileargs_free(fa);
}
END_TEST

/*
 * Linux deviation: the client library limits the descriptor; a client
 * sending its own request gets it unlimited, bounded by the open mode.
 */
START_TEST(rights_residual_for_raw_requests)
{
	char *names[] = {"rw"};
	cap_rights_t rights, got;
	cap_channel_t *chan;
	nvlist_t *reply;
	fileargs_t *fa;
	int fd, flags;

	enter_dir();
	cap_rights_init(&rights, CAP_READ, CAP_FSTAT);
	fa = init(1, names, O_RDWR, 0, &rights, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	chan = fileargs_unwrap(fa, &flags);
	ck_assert_int_eq(raw_call(chan, request("open", "rw"), &reply), 0);
	ck_assert(nvlist_exists_binary(reply, "cap_rights"));
	fd = nvlist_take_descriptor(reply, "fd");
	nvlist_destroy(reply);
	ck_assert_int_eq(cap_rights_get(fd, &got), 0);
	ck_assert(cap_rights_is_set(&got, CAP_WRITE)); /* not limited */
	ck_assert_fails(write(fd, "x", 1), EBADF);     /* but read-only */
	close(fd);
	cap_close(chan);
}
END_TEST

/*
 * Attack (review F1): with rights, a raw request for a listed directory
 * would get a descriptor limited by nobody, and its open mode bounds
 * nothing beneath it: the service refuses directories then.
 */
START_TEST(rights_refuse_directories_to_raw_requests)
{
	char *names[] = {"."};
	cap_rights_t rights;
	cap_channel_t *chan;
	fileargs_t *fa;
	int flags;

	enter_dir();
	cap_rights_init(&rights, CAP_READ, CAP_FSTAT);
	fa = init(1, names, O_RDONLY, 0, &rights, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_fails(fileargs_open(fa, "."), ENOTCAPABLE);
	chan = fileargs_unwrap(fa, &flags);
	ck_assert_int_eq(raw_call(chan, request("open", "."), NULL), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

/* Without rights a directory opens as FreeBSD's does. */
START_TEST(directory_without_rights)
{
	char *names[] = {"."};
	fileargs_t *fa;
	int fd;

	enter_dir();
	fa = init(1, names, O_RDONLY, 0, NULL, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_ge(fd = fileargs_open(fa, "."), 0);
	close(fd);
	fileargs_free(fa);
}
END_TEST

/* No descriptors cached with rights: numbers are reused, filters fit. */
START_TEST(rights_for_many_files)
{
	cap_rights_t rights;
	fileargs_t *fa;
	int n0, fd;

	enter_dir();
	cap_rights_init(&rights, CAP_READ, CAP_FSTAT);
	fa = init(150, many_names, O_RDONLY, 0, &rights, FA_OPEN | FA_LSTAT);
	ck_assert_int_eq(cap_enter(), 0);
	n0 = count_fds();
	for (int i = 0; i < 150; i++) {
		fd = fileargs_open(fa, many[i]);
		ck_assert_msg(fd >= 0, "file %d: %s", i, strerror(errno));
		ck_assert_int_eq(count_fds(), n0 + 1);
		ck_assert_fails(write(fd, "x", 1), ENOTCAPABLE);
		ck_assert_str_eq(slurp_fd(fd), content_of(i));
	}
	fileargs_free(fa);
}
END_TEST

/* ---- limits ---- */

START_TEST(limits_set_once)
{
	char *names[] = {"a"};
	cap_channel_t *chan;
	nvlist_t *limits;
	fileargs_t *fa;
	int flags = -1;

	enter_dir();
	fa = init(1, names, O_RDONLY | O_CLOEXEC, 0, NULL, FA_OPEN);
	ck_assert_int_eq(cap_enter(), 0);
	chan = fileargs_unwrap(fa, &flags);
	ck_assert_int_eq(flags, O_RDONLY | O_CLOEXEC);
	limits = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_number(limits, "flags", O_RDONLY);
	nvlist_add_number(limits, "operations", FA_OPEN);
	nvlist_add_null(limits, "a");
	ck_assert_fails(cap_limit_set(chan, limits), ENOTCAPABLE);
	ck_assert_fails(cap_limit_set(chan, NULL), ENOTCAPABLE);
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_ptr_nonnull(limits);
	ck_assert(nvlist_exists_null(limits, "a"));
	ck_assert_uint_eq(nvlist_get_number(limits, "operations"), FA_OPEN);
	nvlist_destroy(limits);
	fa = fileargs_wrap(chan, flags);
	ck_assert_ptr_nonnull(fa);
	ck_assert_str_eq(slurp_fd(fileargs_open(fa, "a")), "alpha\n");
	ck_assert_fails(fileargs_open(fa, "b"), ENOTCAPABLE);
	fileargs_free(fa);
}
END_TEST

static nvlist_t *good_limits(void)
{
	nvlist_t *l = nvlist_create(NV_FLAG_NO_UNIQUE);

	nvlist_add_number(l, "flags", O_RDONLY);
	nvlist_add_number(l, "operations", FA_OPEN);
	nvlist_add_null(l, "a");
	return l;
}

START_TEST(limits_malformed)
{
	cap_rights_t bad;
	cap_channel_t *cas;
	nvlist_t *l[12];
	fileargs_t *fa;
	size_t n = 0;

	enter_dir();
	memset(&bad, 0, sizeof(bad));
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_string(l[n++], "operations", "open");
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_number(l[n++], "operations", 8);
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_number(l[n++], "flags", (uint64_t)1 << 40);
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_binary(l[n++], "cap_rights", "xy", 2);
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_binary(l[n++], "cap_rights", &bad, sizeof(bad));
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_number(l[n++], "flags", O_CREAT | O_WRONLY); /* no mode */
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_number(l[n], "flags", O_CREAT | O_WRONLY);
	nvlist_add_number(l[n++], "mode", 0100644);
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_number(l[n++], "bogus", 1);
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_bool(l[n++], "a", true);
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_number(l[n], "flags", O_RDONLY);
	nvlist_add_number(l[n++], "flags", O_RDWR);
	l[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_string(l[n++], "b", "x");
	cas = cap_init();
	ck_assert_ptr_nonnull(cas);
	for (size_t i = 0; i < n; i++) {
		nvlist_add_null(l[i], "a");
		errno = 0;
		fa = fileargs_cinitnv(cas, l[i]);
		ck_assert_msg(fa == NULL && errno == EINVAL, "list %zu: %p, errno %d", i,
		              (void *)fa, errno);
	}
	/* The channel still serves a good list. */
	fa = fileargs_cinitnv(cas, good_limits());
	ck_assert_ptr_nonnull(fa);
	cap_close(cas);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_str_eq(slurp_fd(fileargs_open(fa, "a")), "alpha\n");
	fileargs_free(fa);
}
END_TEST

START_TEST(name_too_long)
{
	char *long_name = malloc(PATH_MAX + 1), *names[] = {"a", long_name};

	memset(long_name, 'x', PATH_MAX);
	long_name[PATH_MAX] = '\0';
	errno = 0;
	ck_assert_ptr_null(fileargs_init(2, names, O_RDONLY, 0, NULL, FA_OPEN));
	ck_assert_int_eq(errno, ENAMETOOLONG);
	long_name[PATH_MAX - 1] = '\0';
	errno = 0;
	ck_assert_ptr_null(fileargs_init(2, names, O_RDONLY, 0, NULL, FA_OPEN));
	ck_assert_int_ne(errno, 0);
	free(long_name);
}
END_TEST

START_TEST(no_files_no_service)
{
	char *names[] = {"a"};
	fileargs_t *fa[3];
	struct stat sb;

	fa[0] = fileargs_init(0, names, O_RDONLY, 0, NULL, FA_OPEN | FA_LSTAT | FA_REALPATH);
	fa[1] = fileargs_init(1, NULL, O_RDONLY, 0, NULL, FA_OPEN | FA_LSTAT | FA_REALPATH);
	fa[2] = fileargs_initnv(NULL);
	ck_assert_int_eq(cap_enter(), 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_ptr_nonnull(fa[i]);
		ck_assert_fails(fileargs_open(fa[i], "a"), ENOTCAPABLE);
		ck_assert_fails(fileargs_lstat(fa[i], "a", &sb), ENOTCAPABLE);
		errno = 0;
		ck_assert_ptr_null(fileargs_realpath(fa[i], "a", NULL));
		ck_assert_int_eq(errno, ENOTCAPABLE);
	}
	ck_assert_ptr_null(fileargs_unwrap(fa[0], NULL));
	fileargs_free(fa[1]);
	fileargs_free(fa[2]);
	fileargs_free(NULL);
	ck_assert_ptr_null(fileargs_wrap(NULL, 0));
}
END_TEST

START_TEST(clone_shares_limits)
{
	cap_channel_t *chan, *copy;
	fileargs_t *fa, *fb;
	int flags;

	enter_dir();
	fa = init(NMANY, many_names, O_RDONLY, 0, NULL, FA_OPEN);
	chan = fileargs_unwrap(fa, &flags);
	copy = cap_clone(chan);
	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(cap_enter(), 0);
	fa = fileargs_wrap(chan, flags);
	fb = fileargs_wrap(copy, flags);
	for (int i = 0; i < NMANY; i += 7) {
		ck_assert_str_eq(slurp_fd(fileargs_open(fa, many[i])), content_of(i));
		ck_assert_str_eq(slurp_fd(fileargs_open(fb, many[NMANY - 1 - i])),
		                 content_of(NMANY - 1 - i));
	}
	ck_assert_fails(fileargs_open(fb, "a"), ENOTCAPABLE);
	fileargs_free(fa);
	ck_assert_str_eq(slurp_fd(fileargs_open(fb, many[3])), "3\n");
	fileargs_free(fb);
}
END_TEST

/* ---- hostile requests ---- */

/* A listed file still opens, an unlisted one still does not. */
static cap_channel_t *still_sound(cap_channel_t *chan)
{
	fileargs_t *fa = fileargs_wrap(chan, O_RDONLY);

	ck_assert_str_eq(slurp_fd(fileargs_open(fa, "a")), "alpha\n");
	ck_assert_fails(fileargs_open(fa, "b"), ENOTCAPABLE);
	return fileargs_unwrap(fa, NULL);
}

START_TEST(hostile_requests)
{
	char *names[] = {"a"}, *huge = malloc(100000);
	cap_channel_t *chan;
	nvlist_t *nvl, *limits;
	fileargs_t *fa;
	int err;

	enter_dir();
	memset(huge, 'a', 99999);
	huge[99999] = '\0';
	fa = init(1, names, O_RDONLY, 0, NULL, FA_OPEN | FA_LSTAT);
	ck_assert_int_eq(cap_enter(), 0);
	chan = fileargs_unwrap(fa, NULL);

	ck_assert_int_eq(raw_call(chan, request(NULL, "a"), NULL), EINVAL);
	chan = still_sound(chan);
	nvl = request(NULL, "a");
	nvlist_add_number(nvl, "cmd", 1);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	chan = still_sound(chan);
	ck_assert_int_eq(raw_call(chan, request("unlink", "a"), NULL), EINVAL);
	chan = still_sound(chan);
	ck_assert_int_eq(raw_call(chan, request("open", NULL), NULL), ENOTCAPABLE);
	chan = still_sound(chan);
	nvl = request("lstat", NULL);
	nvlist_add_number(nvl, "name", 7);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), ENOTCAPABLE);
	chan = still_sound(chan);
	nvl = request("open", NULL);
	nvlist_add_null(nvl, "name");
	nvlist_add_binary(nvl, "name", "a", 2);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), ENOTCAPABLE);
	chan = still_sound(chan);
	ck_assert_int_eq(raw_call(chan, request("open", huge), NULL), ENOTCAPABLE);
	chan = still_sound(chan);
	ck_assert_int_eq(raw_call(chan, request("open", "b"), NULL), ENOTCAPABLE);
	chan = still_sound(chan);
	ck_assert_int_eq(raw_call(chan, request("open", "../a"), NULL), ENOTCAPABLE);
	chan = still_sound(chan);
	ck_assert_int_eq(raw_call(chan, request("realpath", "a"), NULL), ENOTCAPABLE);
	chan = still_sound(chan);
	/* Two names: one of them decides, the listed one or not. */
	nvl = request("open", "b");
	nvlist_add_string(nvl, "name", "a");
	err = raw_call(chan, nvl, NULL);
	ck_assert(err == 0 || err == ENOTCAPABLE);
	chan = still_sound(chan);
	limits = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_number(limits, "operations", FA_OPEN | FA_LSTAT | FA_REALPATH);
	nvlist_add_null(limits, "b");
	ck_assert_fails(cap_limit_set(chan, limits), ENOTCAPABLE);
	chan = still_sound(chan);
	nvl = request("limit_set", NULL);
	nvlist_add_string(nvl, "limits", "everything");
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	chan = still_sound(chan);
	cap_close(chan);
	free(huge);
}
END_TEST

/* Before limits the service serves nothing. */
START_TEST(no_limits_no_files)
{
	cap_channel_t *cas = cap_init(), *chan;

	ck_assert_ptr_nonnull(cas);
	chan = cap_service_open(cas, "system.fileargs");
	ck_assert_ptr_nonnull(chan);
	cap_close(cas);
	ck_assert_int_eq(cap_channel_flags(chan), CASPER_NO_UNIQ);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(raw_call(chan, request("open", "/etc/passwd"), NULL), ENOTCAPABLE);
	ck_assert_int_eq(raw_call(chan, request("lstat", "/etc/passwd"), NULL), ENOTCAPABLE);
	ck_assert_int_eq(raw_call(chan, request("realpath", "/"), NULL), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

/*
 * Linux deviation (Landlock): the service may open only what existed when
 * the limits were set; a listed name that appears later cannot be opened
 * (lstat and realpath, which Landlock does not govern, still work).
 */
START_TEST(late_file_confined)
{
	char *names[] = {"late"};
	fileargs_t *fa;
	struct stat sb;
	int fd;

	enter_dir();
	unlink("late");
	fa = init(1, names, O_RDONLY, 0, NULL, FA_OPEN | FA_LSTAT);
	put_file("late", "late\n");
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(fileargs_lstat(fa, "late", &sb), 0);
	fd = fileargs_open(fa, "late");
	if (landlock_present()) {
		ck_assert_int_eq(fd, -1);
		ck_assert_int_eq(errno, EACCES);
	} else {
		ck_assert_str_eq(slurp_fd(fd), "late\n");
	}
	fileargs_free(fa);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cap_fileargs");
	TCase *tc = tcase_create("fileargs");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_listed_files);
	tcase_add_test(tc, exact_names_only);
	tcase_add_test(tc, lstat_and_realpath);
	tcase_add_test(tc, operations_gate_each_call);
	tcase_add_test(tc, errors_of_the_calls);
	tcase_add_test(tc, unreachable_names);
	tcase_add_test(tc, create_files);
	tcase_add_test(tc, cache_of_following_names);
	tcase_add_test(tc, cache_by_lstat_and_cloexec);
	tcase_add_test(tc, rights_limit_descriptors);
	tcase_add_test(tc, rights_without_read_open_write_only);
	tcase_add_test(tc, rights_on_a_reused_number);
	tcase_add_test(tc, rights_without_write_refuse_write_only);
	tcase_add_test(tc, rights_residual_for_raw_requests);
	tcase_add_test(tc, rights_for_many_files);
	tcase_add_test(tc, rights_refuse_directories_to_raw_requests);
	tcase_add_test(tc, directory_without_rights);
	tcase_add_test(tc, limits_set_once);
	tcase_add_test(tc, limits_malformed);
	tcase_add_test(tc, name_too_long);
	tcase_add_test(tc, no_files_no_service);
	tcase_add_test(tc, clone_shares_limits);
	tcase_add_test(tc, hostile_requests);
	tcase_add_test(tc, no_limits_no_files);
	tcase_add_test(tc, late_file_confined);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
