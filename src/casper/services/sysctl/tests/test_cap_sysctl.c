/*
 * system.sysctl: names and MIBs read from capability mode and compared
 * with /proc/sys; the size query and a too-small buffer; MIBs the same in
 * every process; limits by name, by MIB and recursive, only narrowing,
 * malformed ones; writes; hostile requests; and the stand-ins of a
 * program built without Casper.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <casper/cap_sysctl.h>
#include <libcasper.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "casper_test.h"
#include "harness.h"

static const char *const names[] = {"kernel.ostype", "kernel.hostname", "kernel.osrelease"};

/* The value of name as /proc/sys has it, newline dropped. */
static char *proc_value(const char *name)
{
	static char buf[4][256];
	static int turn;
	char path[256], *b = buf[turn++ % 4];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	for (char *p = path + 10; *p != '\0'; p++)
		*p = *p == '.' ? '/' : *p;
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	n = read(fd, b, 255);
	ck_assert_int_ge(n, 0);
	close(fd);
	b[n] = '\0';
	if (n > 0 && b[n - 1] == '\n')
		b[n - 1] = '\0';
	return b;
}

/* cap_sysctlbyname's value of name, or NULL with errno. */
static char *read_name(cap_channel_t *chan, const char *name)
{
	static char buf[256];
	size_t len = sizeof(buf);

	if (cap_sysctlbyname(chan, name, buf, &len, NULL, 0) != 0)
		return NULL;
	ck_assert_uint_eq(len, strlen(buf) + 1);
	return buf;
}

static int read_mib(cap_channel_t *chan, const int *mib, size_t n, char *buf, size_t size)
{
	return cap_sysctl(chan, mib, (unsigned)n, buf, &size, NULL, 0);
}

static int limit_one(cap_channel_t *chan, const char *name, int flags)
{
	return cap_sysctl_limit(cap_sysctl_limit_name(cap_sysctl_limit_init(chan), name, flags));
}

static nvlist_t *request(const char *cmd, const char *name, uint64_t op)
{
	nvlist_t *nvl = nvlist_create(0);

	if (cmd != NULL)
		nvlist_add_string(nvl, "cmd", cmd);
	if (name != NULL)
		nvlist_add_string(nvl, "name", name);
	if (op != 0)
		nvlist_add_number(nvl, "operation", op);
	return nvl;
}

/* ---- reading ---- */

START_TEST(read_by_name)
{
	cap_channel_t *chan = open_service("system.sysctl");
	char want[3][256], buf[256];
	size_t len;

	for (int i = 0; i < 3; i++)
		strcpy(want[i], proc_value(names[i]));
	ck_assert_int_eq(cap_enter(), 0);
	for (int i = 0; i < 3; i++) {
		char *v = read_name(chan, names[i]);

		ck_assert_msg(v != NULL, "%s: %s", names[i], strerror(errno));
		ck_assert_str_eq(v, want[i]);
		len = 0;
		ck_assert_int_eq(cap_sysctlbyname(chan, names[i], NULL, &len, NULL, 0), 0);
		ck_assert_uint_eq(len, strlen(want[i]) + 1);
	}
	/* Too small: what fits, and ENOMEM. */
	memset(buf, 'z', sizeof(buf));
	len = 3;
	ck_assert_fails(cap_sysctlbyname(chan, "kernel.ostype", buf, &len, NULL, 0), ENOMEM);
	ck_assert_uint_eq(len, 3);
	ck_assert_mem_eq(buf, want[0], 3);
	ck_assert_int_eq(buf[3], 'z');
	len = sizeof(buf);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel.nonexistent", buf, &len, NULL, 0), ENOENT);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel", buf, &len, NULL, 0), EISDIR);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel..ostype", buf, &len, NULL, 0), ENOENT);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel.ostype.", buf, &len, NULL, 0), ENOENT);
	ck_assert_fails(cap_sysctlbyname(chan, "", buf, &len, NULL, 0), ENOENT);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel/ostype", buf, &len, NULL, 0), ENOENT);
	cap_close(chan);
}
END_TEST

START_TEST(mibs)
{
	cap_channel_t *chan = open_service("system.sysctl"), *other = open_service("system.sysctl");
	int mib[CTL_MAXNAME], mib2[CTL_MAXNAME], dir[CTL_MAXNAME];
	int freebsd[] = {1, 1}; /* CTL_KERN, KERN_OSTYPE */
	size_t n = CTL_MAXNAME, n2 = CTL_MAXNAME, nd = CTL_MAXNAME;
	char want[256], buf[256];

	strcpy(want, proc_value("kernel.osrelease"));
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_sysctlnametomib(chan, "kernel.osrelease", mib, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_ge(mib[0], 0x100);
	ck_assert_int_ge(mib[1], 0x100);
	/* Another service process, the same numbers. */
	ck_assert_int_eq(cap_sysctlnametomib(other, "kernel.osrelease", mib2, &n2), 0);
	ck_assert_uint_eq(n2, 2);
	ck_assert_mem_eq(mib, mib2, 2 * sizeof(int));
	ck_assert_int_eq(cap_sysctlnametomib(chan, "kernel", dir, &nd), 0);
	ck_assert_uint_eq(nd, 1);
	ck_assert_int_eq(dir[0], mib[0]);
	ck_assert_int_eq(read_mib(chan, mib, n, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(read_mib(other, mib, n, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_fails(read_mib(chan, freebsd, 2, buf, sizeof(buf)), ENOENT);
	ck_assert_fails(read_mib(chan, dir, 1, buf, sizeof(buf)), EISDIR);
	n = 1;
	ck_assert_fails(cap_sysctlnametomib(chan, "kernel.osrelease", mib, &n), ENOMEM);
	n = CTL_MAXNAME;
	ck_assert_fails(cap_sysctlnametomib(chan, "kernel.nonexistent", mib, &n), ENOENT);
	ck_assert_fails(cap_sysctl(chan, mib, 0, buf, &n, NULL, 0), EINVAL);
	ck_assert_fails(cap_sysctl(chan, mib, CTL_MAXNAME + 1, buf, &n, NULL, 0), EINVAL);
	cap_close(chan);
	cap_close(other);
}
END_TEST

/* ---- limits ---- */

START_TEST(limit_by_name)
{
	cap_channel_t *chan = open_service("system.sysctl");
	int mib[CTL_MAXNAME], other[CTL_MAXNAME];
	size_t n = CTL_MAXNAME, no = CTL_MAXNAME;
	char want[256], buf[256];

	strcpy(want, proc_value("kernel.ostype"));
	ck_assert_int_eq(cap_sysctlnametomib(chan, "kernel.hostname", other, &no), 0);
	ck_assert_int_eq(limit_one(chan, "kernel.ostype", CAP_SYSCTL_READ), 0);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_str_eq(read_name(chan, "kernel.ostype"), want);
	errno = 0;
	ck_assert_ptr_null(read_name(chan, "kernel.hostname"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_ptr_null(read_name(chan, "kernel.ostype.x"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel.ostype", NULL, NULL, "Linux", 6),
	                ENOTCAPABLE);
	/* The MIB came with the name. */
	ck_assert_int_eq(cap_sysctlnametomib(chan, "kernel.ostype", mib, &n), 0);
	ck_assert_int_eq(read_mib(chan, mib, n, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_fails(read_mib(chan, other, no, buf, sizeof(buf)), ENOTCAPABLE);
	n = CTL_MAXNAME;
	ck_assert_fails(cap_sysctlnametomib(chan, "kernel.hostname", mib, &n), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

START_TEST(limit_recursive)
{
	cap_channel_t *chan = open_service("system.sysctl");
	int vm[CTL_MAXNAME], rel[CTL_MAXNAME];
	size_t nvm = CTL_MAXNAME, nrel = CTL_MAXNAME;
	char want[3][256], buf[256];

	for (int i = 0; i < 3; i++)
		strcpy(want[i], proc_value(names[i]));
	ck_assert_int_eq(cap_sysctlnametomib(chan, "vm.overcommit_memory", vm, &nvm), 0);
	ck_assert_int_eq(limit_one(chan, "kernel", CAP_SYSCTL_READ | CAP_SYSCTL_RECURSIVE), 0);
	ck_assert_int_eq(cap_enter(), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_str_eq(read_name(chan, names[i]), want[i]);
	ck_assert_int_eq(cap_sysctlnametomib(chan, "kernel.osrelease", rel, &nrel), 0);
	ck_assert_int_eq(read_mib(chan, rel, nrel, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want[2]);
	errno = 0;
	ck_assert_ptr_null(read_name(chan, "vm.overcommit_memory"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_ptr_null(read_name(chan, "kernelx.ostype"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_fails(read_mib(chan, vm, nvm, buf, sizeof(buf)), ENOTCAPABLE);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel.hostname", NULL, NULL, "x", 1), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

START_TEST(limits_only_narrow)
{
	cap_channel_t *chan = open_service("system.sysctl");
	cap_sysctl_limit_t *l;

	ck_assert_int_eq(limit_one(chan, "kernel", CAP_SYSCTL_RDWR | CAP_SYSCTL_RECURSIVE), 0);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_fails(limit_one(chan, "vm", CAP_SYSCTL_READ | CAP_SYSCTL_RECURSIVE), ENOTCAPABLE);
	l = cap_sysctl_limit_init(chan);
	cap_sysctl_limit_name(l, "kernel.ostype", CAP_SYSCTL_READ);
	cap_sysctl_limit_name(l, "kernel.hostname", CAP_SYSCTL_RDWR);
	ck_assert_int_eq(cap_sysctl_limit(l), 0);
	ck_assert_fails(limit_one(chan, "kernel", CAP_SYSCTL_READ | CAP_SYSCTL_RECURSIVE),
	                ENOTCAPABLE);
	ck_assert_fails(limit_one(chan, "kernel.ostype", CAP_SYSCTL_RDWR), ENOTCAPABLE);
	ck_assert_fails(limit_one(chan, "kernel.ostype", CAP_SYSCTL_READ | CAP_SYSCTL_RECURSIVE),
	                ENOTCAPABLE);
	ck_assert_fails(limit_one(chan, "kernel.osrelease", CAP_SYSCTL_READ), ENOTCAPABLE);
	ck_assert_ptr_nonnull(read_name(chan, "kernel.hostname"));
	ck_assert_int_eq(limit_one(chan, "kernel.hostname", CAP_SYSCTL_READ), 0);
	ck_assert_ptr_nonnull(read_name(chan, "kernel.hostname"));
	ck_assert_ptr_null(read_name(chan, "kernel.ostype"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	/* An empty list: nothing at all. */
	ck_assert_int_eq(cap_sysctl_limit(cap_sysctl_limit_init(chan)), 0);
	ck_assert_ptr_null(read_name(chan, "kernel.hostname"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

static nvlist_t *entry(const char *name, uint64_t op)
{
	nvlist_t *e = nvlist_create(NV_FLAG_NO_UNIQUE);

	if (name != NULL)
		nvlist_add_string(e, "name", name);
	if (op != 0)
		nvlist_add_number(e, "operation", op);
	return e;
}

START_TEST(limits_malformed)
{
	cap_channel_t *chan = open_service("system.sysctl");
	nvlist_t *bad[12], *e;
	int mib[2] = {0x100, 0x101};
	size_t n = 0;

	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limits", entry("kernel.ostype", CAP_SYSCTL_READ));
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_string(bad[n++], "limit", "kernel.ostype");
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limit", entry("kernel.ostype", 0));
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limit", entry("kernel.ostype", CAP_SYSCTL_RECURSIVE));
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limit", entry("kernel.ostype", 8 | CAP_SYSCTL_READ));
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limit", entry(NULL, CAP_SYSCTL_READ));
	e = entry(NULL, CAP_SYSCTL_READ);
	nvlist_add_binary(e, "mib", mib, 5);
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limit", e);
	e = entry("kernel.ostype", CAP_SYSCTL_READ);
	nvlist_add_string(e, "name", "kernel.hostname");
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limit", e);
	e = entry("kernel.ostype", CAP_SYSCTL_READ);
	nvlist_add_number(e, "operation", CAP_SYSCTL_READ);
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limit", e);
	e = entry("kernel.ostype", CAP_SYSCTL_READ);
	nvlist_add_bool(e, "extra", true);
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limit", e);
	e = entry(NULL, CAP_SYSCTL_READ);
	nvlist_add_number(e, "name", 1);
	bad[n] = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(bad[n++], "limit", e);
	ck_assert_int_eq(cap_enter(), 0);
	for (size_t i = 0; i < n; i++) {
		errno = 0;
		ck_assert_msg(cap_limit_set(chan, bad[i]) == -1 && errno == EINVAL, "list %zu: %d",
		              i, errno);
	}
	/* Nothing was taken: still unlimited, and limits can come. */
	ck_assert_ptr_nonnull(read_name(chan, "vm.overcommit_memory"));
	ck_assert_int_eq(limit_one(chan, "kernel.ostype", CAP_SYSCTL_READ), 0);
	ck_assert_ptr_null(read_name(chan, "vm.overcommit_memory"));
	cap_close(chan);
}
END_TEST

/* An entry whose MIB is another name's allows neither by that MIB. */
START_TEST(limit_name_and_mib_must_agree)
{
	cap_channel_t *chan = open_service("system.sysctl");
	int host[CTL_MAXNAME], ostype[CTL_MAXNAME];
	size_t nh = CTL_MAXNAME, no = CTL_MAXNAME;
	nvlist_t *limits, *e;
	char buf[256];

	ck_assert_int_eq(cap_sysctlnametomib(chan, "kernel.hostname", host, &nh), 0);
	ck_assert_int_eq(cap_sysctlnametomib(chan, "kernel.ostype", ostype, &no), 0);
	e = entry("kernel.ostype", CAP_SYSCTL_READ);
	nvlist_add_binary(e, "mib", host, nh * sizeof(int));
	limits = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_move_nvlist(limits, "limit", e);
	ck_assert_int_eq(cap_limit_set(chan, limits), 0);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_ptr_nonnull(read_name(chan, "kernel.ostype"));
	ck_assert_fails(read_mib(chan, host, nh, buf, sizeof(buf)), ENOTCAPABLE);
	ck_assert_fails(read_mib(chan, ostype, no, buf, sizeof(buf)), ENOTCAPABLE);
	ck_assert_ptr_null(read_name(chan, "kernel.hostname"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

START_TEST(limit_by_mib)
{
	cap_channel_t *chan = open_service("system.sysctl");
	int mib[CTL_MAXNAME];
	size_t n = CTL_MAXNAME;
	char want[256], buf[256];

	strcpy(want, proc_value("kernel.osrelease"));
	ck_assert_int_eq(cap_sysctlnametomib(chan, "kernel.osrelease", mib, &n), 0);
	ck_assert_int_eq(cap_sysctl_limit(cap_sysctl_limit_mib(cap_sysctl_limit_init(chan), mib,
	                                                       (unsigned)n, CAP_SYSCTL_READ)),
	                 0);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(read_mib(chan, mib, n, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	/* As on FreeBSD, a MIB entry does not answer for the name. */
	ck_assert_ptr_null(read_name(chan, "kernel.osrelease"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	mib[1]++;
	ck_assert_fails(read_mib(chan, mib, n, buf, sizeof(buf)), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

/* ---- writing ---- */

START_TEST(write_within_and_outside_limits)
{
	cap_channel_t *chan = open_service("system.sysctl");
	char value[256], old[256];
	size_t len = sizeof(old);
	int fd, direct = 0;

	strcpy(value, proc_value("kernel.domainname"));
	/* What the kernel says to this user, writing the same value back. */
	fd = open("/proc/sys/kernel/domainname", O_WRONLY);
	if (fd < 0)
		direct = errno;
	else if (write(fd, value, strlen(value)) < 0)
		direct = errno;
	if (fd >= 0)
		close(fd);
	if (geteuid() != 0)
		ck_assert(direct == EACCES || direct == EPERM);
	ck_assert_int_eq(limit_one(chan, "kernel.domainname", CAP_SYSCTL_RDWR), 0);
	ck_assert_int_eq(cap_enter(), 0);
	errno = 0;
	ck_assert_int_eq(
	    cap_sysctlbyname(chan, "kernel.domainname", old, &len, value, strlen(value) + 1),
	    direct == 0 ? 0 : -1);
	ck_assert_int_eq(direct == 0 ? 0 : errno, direct);
	if (direct == 0)
		ck_assert_str_eq(old, value);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel.hostname", NULL, NULL, "x", 1), ENOTCAPABLE);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel.domainname", NULL, NULL, "x", 0), EINVAL);
	cap_close(chan);
}
END_TEST

/* ---- hostile requests ---- */

static void still_sound(cap_channel_t *chan)
{
	ck_assert_ptr_nonnull(read_name(chan, "kernel.ostype"));
	ck_assert_ptr_null(read_name(chan, "kernel.hostname"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
}

START_TEST(hostile_requests)
{
	cap_channel_t *chan = open_service("system.sysctl");
	int big[100] = {0}, mib[CTL_MAXNAME];
	char *huge = malloc(100000);
	size_t n = CTL_MAXNAME;
	nvlist_t *nvl;

	memset(huge, 'a', 99999);
	huge[99999] = '\0';
	ck_assert_int_eq(cap_sysctlnametomib(chan, "kernel.hostname", mib, &n), 0);
	ck_assert_int_eq(limit_one(chan, "kernel.ostype", CAP_SYSCTL_READ), 0);
	ck_assert_int_eq(cap_enter(), 0);

	ck_assert_int_eq(raw_error(chan, request(NULL, "kernel.ostype", 1)), EINVAL);
	still_sound(chan);
	ck_assert_int_eq(raw_error(chan, request("sysctlbyname", NULL, 1)), EINVAL);
	still_sound(chan);
	ck_assert_int_eq(raw_error(chan, request("unknown", "kernel.ostype", 1)), EINVAL);
	still_sound(chan);
	ck_assert_int_eq(raw_error(chan, request("sysctlbyname", "kernel.ostype", 0)), EINVAL);
	still_sound(chan);
	ck_assert_int_eq(raw_error(chan, request("sysctlbyname", "kernel.ostype", 4 | 1)), EINVAL);
	still_sound(chan);
	/* Read without a buffer size, write without a value. */
	ck_assert_int_eq(raw_error(chan, request("sysctlbyname", "kernel.ostype", 1)), EINVAL);
	still_sound(chan);
	ck_assert_int_eq(raw_error(chan, request("sysctlbyname", "kernel.ostype", 2)), ENOTCAPABLE);
	still_sound(chan);
	nvl = request("sysctlbyname", "kernel.ostype", 1);
	nvlist_add_number(nvl, "oldlen", UINT64_MAX);
	ck_assert_int_eq(raw_error(chan, nvl), 0);
	still_sound(chan);
	nvl = request("sysctlbyname", NULL, 1);
	nvlist_add_number(nvl, "name", 3);
	nvlist_add_null(nvl, "justsize");
	ck_assert_int_eq(raw_error(chan, nvl), EINVAL);
	still_sound(chan);
	nvl = request("sysctl", NULL, 1);
	nvlist_add_binary(nvl, "mib", big, sizeof(big));
	nvlist_add_null(nvl, "justsize");
	ck_assert_int_eq(raw_error(chan, nvl), EINVAL);
	still_sound(chan);
	nvl = request("sysctl", NULL, 1);
	nvlist_add_binary(nvl, "mib", big, 3);
	nvlist_add_null(nvl, "justsize");
	ck_assert_int_eq(raw_error(chan, nvl), EINVAL);
	still_sound(chan);
	nvl = request("sysctl", "kernel.ostype", 1);
	nvlist_add_binary(nvl, "mib", mib, n * sizeof(int));
	nvlist_add_null(nvl, "justsize");
	ck_assert_int_eq(raw_error(chan, nvl), EINVAL);
	still_sound(chan);
	nvl = request("sysctl", NULL, 1);
	nvlist_add_binary(nvl, "mib", mib, n * sizeof(int));
	nvlist_add_null(nvl, "justsize");
	ck_assert_int_eq(raw_error(chan, nvl), ENOTCAPABLE);
	still_sound(chan);
	nvl = request("sysctlbyname", huge, 1);
	nvlist_add_null(nvl, "justsize");
	ck_assert_int_eq(raw_error(chan, nvl), ENOTCAPABLE);
	still_sound(chan);
	nvl = request("sysctlbyname", "kernel.ostype/../../../etc/passwd", 1);
	nvlist_add_null(nvl, "justsize");
	ck_assert_int_eq(raw_error(chan, nvl), ENOTCAPABLE);
	still_sound(chan);
	ck_assert_int_eq(raw_error(chan, request("sysctlnametomib", "kernel.ostype", 0)), EINVAL);
	still_sound(chan);
	nvl = request("sysctlnametomib", "kernel.ostype", 0);
	nvlist_add_number(nvl, "size", UINT64_MAX);
	ck_assert_int_eq(raw_error(chan, nvl), 0);
	still_sound(chan);
	nvl = request("limit_set", NULL, 0);
	nvlist_add_null(nvl, "limits");
	ck_assert_int_eq(raw_error(chan, nvl), ENOTCAPABLE);
	still_sound(chan);
	cap_close(chan);
	free(huge);
}
END_TEST

/* Unlimited: a name outside the paths is still only a /proc/sys name. */
START_TEST(names_stay_in_proc_sys)
{
	cap_channel_t *chan = open_service("system.sysctl");
	char buf[256];
	size_t len = sizeof(buf);

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_fails(cap_sysctlbyname(chan, "...etc.passwd", buf, &len, NULL, 0), ENOENT);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel.....etc", buf, &len, NULL, 0), ENOENT);
	ck_assert_fails(cap_sysctlbyname(chan, "kernel/../../etc/passwd", buf, &len, NULL, 0),
	                ENOENT);
	ck_assert_ptr_nonnull(read_name(chan, "kernel.ostype"));
	cap_close(chan);
}
END_TEST

/* ---- the stand-ins of a program built without Casper ---- */

/* The service's call, before the names below mean the stand-ins. */
static int service_nametomib(cap_channel_t *chan, const char *name, int *mib, size_t *n)
{
	return cap_sysctlnametomib(chan, name, mib, n);
}

#undef _CAP_SYSCTL_H_
#undef WITH_CASPER
#undef HAVE_CASPER
#define cap_sysctl(...)            mock_sysctl(__VA_ARGS__)
#define cap_sysctlbyname(...)      mock_sysctlbyname(__VA_ARGS__)
#define cap_sysctlnametomib(...)   mock_sysctlnametomib(__VA_ARGS__)
#define cap_sysctl_limit_init(...) mock_sysctl_limit_init(__VA_ARGS__)
#define cap_sysctl_limit_name(...) mock_sysctl_limit_name(__VA_ARGS__)
#define cap_sysctl_limit_mib(...)  mock_sysctl_limit_mib(__VA_ARGS__)
#define cap_sysctl_limit(...)      mock_sysctl_limit(__VA_ARGS__)
#include <casper/cap_sysctl.h>

START_TEST(without_casper)
{
	cap_channel_t *chan = open_service("system.sysctl");
	int mib[CTL_MAXNAME], smib[CTL_MAXNAME];
	size_t n = CTL_MAXNAME, ns = CTL_MAXNAME, len;
	char want[256], buf[256];

	strcpy(want, proc_value("kernel.osrelease"));
	len = sizeof(buf);
	ck_assert_int_eq(mock_sysctlbyname(NULL, "kernel.osrelease", buf, &len, NULL, 0), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(len, strlen(want) + 1);
	ck_assert_int_eq(mock_sysctlnametomib(NULL, "kernel.osrelease", mib, &n), 0);
	ck_assert_int_eq(service_nametomib(chan, "kernel.osrelease", smib, &ns), 0);
	ck_assert_uint_eq(n, ns);
	ck_assert_mem_eq(mib, smib, n * sizeof(int));
	len = sizeof(buf);
	ck_assert_int_eq(mock_sysctl(NULL, mib, (unsigned)n, buf, &len, NULL, 0), 0);
	ck_assert_str_eq(buf, want);
	len = 2;
	ck_assert_fails(mock_sysctlbyname(NULL, "kernel.osrelease", buf, &len, NULL, 0), ENOMEM);
	ck_assert_uint_eq(len, 2);
	ck_assert_fails(mock_sysctlbyname(NULL, "kernel.none", buf, &len, NULL, 0), ENOENT);
	ck_assert_ptr_null(mock_sysctl_limit_init(NULL));
	ck_assert_ptr_null(mock_sysctl_limit_name(NULL, "kernel", CAP_SYSCTL_READ));
	ck_assert_ptr_null(mock_sysctl_limit_mib(NULL, mib, 2, CAP_SYSCTL_READ));
	ck_assert_int_eq(mock_sysctl_limit(NULL), 0);
	cap_close(chan);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cap_sysctl");
	TCase *tc = tcase_create("sysctl");

	tcase_add_test(tc, read_by_name);
	tcase_add_test(tc, mibs);
	tcase_add_test(tc, limit_by_name);
	tcase_add_test(tc, limit_recursive);
	tcase_add_test(tc, limits_only_narrow);
	tcase_add_test(tc, limits_malformed);
	tcase_add_test(tc, limit_name_and_mib_must_agree);
	tcase_add_test(tc, limit_by_mib);
	tcase_add_test(tc, write_within_and_outside_limits);
	tcase_add_test(tc, hostile_requests);
	tcase_add_test(tc, names_stay_in_proc_sys);
	tcase_add_test(tc, without_casper);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
