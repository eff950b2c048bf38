/*
 * Readable messages for ECAPMODE and ENOTCAPABLE in a program linked with
 * the library: strerror and its variants, perror, warn and err.  Other
 * errno values keep libc's messages.
 */
#define _GNU_SOURCE
#include <err.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <sys/capsicum.h>

#include "harness.h"

#define MSG_CAPMODE "Not permitted in capability mode"
#define MSG_NOTCAP  "Capabilities insufficient"

/* Run fn in a child with stderr on a pipe; return what it wrote and its status. */
static int capture_stderr(void (*fn)(void), char *out, size_t len, int *status)
{
	int p[2];
	pid_t pid;
	ssize_t n, total = 0;

	ck_assert_ok(pipe(p));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], 2);
		close(p[0]);
		fn();
		fflush(stderr);
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], out + total, len - 1 - (size_t)total)) > 0)
		total += n;
	out[total] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, status, 0), pid);
	return (int)total;
}

START_TEST(values_are_linux_port_values)
{
	ck_assert_int_eq(ECAPMODE, 134);
	ck_assert_int_eq(ENOTCAPABLE, 135);
	ck_assert_int_eq(ENOTCAP, ENOTCAPABLE);
}
END_TEST

START_TEST(strerror_names_both)
{
	ck_assert_str_eq(strerror(ECAPMODE), MSG_CAPMODE);
	ck_assert_str_eq(strerror(ENOTCAPABLE), MSG_NOTCAP);
	ck_assert_str_eq(strerror_l(ENOTCAPABLE, uselocale((locale_t)0)), MSG_NOTCAP);
	/* other values are libc's */
	ck_assert_str_eq(strerror(EINVAL), "Invalid argument");
	ck_assert_str_eq(strerror(EBADF), "Bad file descriptor");
}
END_TEST

START_TEST(strerror_r_gnu_and_posix)
{
	char buf[64];
	int __xpg_strerror_r(int, char *, size_t);

	ck_assert_str_eq(strerror_r(ECAPMODE, buf, sizeof(buf)), MSG_CAPMODE);
	ck_assert_int_eq(__xpg_strerror_r(ENOTCAPABLE, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, MSG_NOTCAP);
	/* too small: truncated, ERANGE */
	ck_assert_int_eq(__xpg_strerror_r(ENOTCAPABLE, buf, 5), ERANGE);
	ck_assert_str_eq(buf, "Capa");
	ck_assert_int_eq(__xpg_strerror_r(EINVAL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "Invalid argument");
}
END_TEST

static void do_perror(void)
{
	errno = ENOTCAPABLE;
	perror("read");
	errno = ECAPMODE;
	perror(NULL);
	errno = ENOENT;
	perror("open");
}

START_TEST(perror_prints_messages)
{
	char out[512];
	int status;

	capture_stderr(do_perror, out, sizeof(out), &status);
	ck_assert_str_eq(out, "read: " MSG_NOTCAP "\n" MSG_CAPMODE
	                      "\nopen: No such file or directory\n");
}
END_TEST

static void do_warn(void)
{
	errno = ENOTCAPABLE;
	warn("write %d", 3);
	errno = ECAPMODE;
	err(7, "open");
}

START_TEST(warn_and_err_print_messages)
{
	char out[512], want[512];
	int status;

	capture_stderr(do_warn, out, sizeof(out), &status);
	snprintf(want, sizeof(want), "%s: write 3: " MSG_NOTCAP "\n%s: open: " MSG_CAPMODE "\n",
	         program_invocation_short_name, program_invocation_short_name);
	ck_assert_str_eq(out, want);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 7);
}
END_TEST

static void do_warn_other(void)
{
	errno = EACCES;
	warn("x");
}

START_TEST(warn_other_errno_is_libc)
{
	char out[512], want[512];
	int status;

	capture_stderr(do_warn_other, out, sizeof(out), &status);
	snprintf(want, sizeof(want), "%s: x: Permission denied\n", program_invocation_short_name);
	ck_assert_str_eq(out, want);
}
END_TEST

/*
 * printf's %m reads libc's table directly, which the library cannot reach
 * (DEVIATIONS.md): it prints glibc's generic text for these values.
 */
START_TEST(printf_m_is_libc_text)
{
	char buf[128];

	errno = ENOTCAPABLE;
	snprintf(buf, sizeof(buf), "%m");
	ck_assert_str_eq(buf, "Unknown error 135");
}
END_TEST

/* A refused call reports the readable message end to end. */
START_TEST(refused_call_message)
{
	int fd = tmpfile_fd(4);
	cap_rights_t r;
	char c;

	cap_rights_init(&r, CAP_FSTAT);
	ck_assert_ok(cap_rights_limit(fd, &r));
	ck_assert_int_eq(read(fd, &c, 1), -1);
	ck_assert_str_eq(strerror(errno), MSG_NOTCAP);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("errstr");
	TCase *tc = tcase_create("messages");

	tcase_add_test(tc, values_are_linux_port_values);
	tcase_add_test(tc, strerror_names_both);
	tcase_add_test(tc, strerror_r_gnu_and_posix);
	tcase_add_test(tc, perror_prints_messages);
	tcase_add_test(tc, warn_and_err_print_messages);
	tcase_add_test(tc, warn_other_errno_is_libc);
	tcase_add_test(tc, printf_m_is_libc_text);
	tcase_add_test(tc, refused_call_message);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
