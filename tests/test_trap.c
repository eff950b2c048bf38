/*
 * procctl(2) PROC_TRAPCAP_CTL: with trapping on, a capability failure
 * raises SIGSYS (FreeBSD: SIGTRAP, DEVIATIONS.md) carrying the call and
 * the error; without it the call fails quietly.  Each case forks: the
 * child traps, the parent reads what the child's handler saw.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/procctl.h>
#include <sys/socket.h>

#include <sys/capsicum.h>

#include "arch/arch.h"
#include "harness.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

/* What the handler saw, written to the pipe. */
struct seen {
	int signo, code, err, nr;
};

static int seen_fd = -1;

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	struct seen s = {sig, si->si_code, si->si_errno, si->si_syscall};

	(void)ctx;
	(void)!write(seen_fd, &s, sizeof(s));
	_exit(0);
}

/* Run body in a child with the handler installed: what the handler saw, or signo 0. */
static struct seen in_child(void (*body)(void))
{
	struct seen s = {0};
	int p[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};

		close(p[0]);
		seen_fd = p[1];
		sigaction(SIGSYS, &sa, NULL);
		body();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &s, sizeof(s)) != sizeof(s))
		s.signo = 0;
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	return s;
}

static void enable(void)
{
	int on = PROC_TRAPCAP_CTL_ENABLE;

	if (procctl(P_PID, 0, PROC_TRAPCAP_CTL, &on) != 0)
		_exit(10);
}

static void capmode_socket(void)
{
	enable();
	if (cap_enter() != 0)
		_exit(11);
	(void)socket(AF_NETLINK, SOCK_RAW, 0);
	_exit(12); /* not trapped */
}

START_TEST(capability_mode_failure_traps)
{
	struct seen s = in_child(capmode_socket);

	ck_assert_int_eq(s.signo, SIGSYS);
	ck_assert_int_eq(s.code, SYS_SECCOMP);
	ck_assert_int_eq(s.err, ECAPMODE);
	ck_assert_int_eq(s.nr, NR_socket);
}
END_TEST

static void rights_write(void)
{
	cap_rights_t r;
	int fd = open("/dev/null", O_RDWR);

	enable();
	if (cap_rights_limit(fd, cap_rights_init(&r, CAP_READ)) != 0)
		_exit(11);
	if (read(fd, (char[1]){0}, 1) != 0) /* an allowed call does not trap */
		_exit(13);
	(void)!write(fd, "x", 1);
	_exit(12);
}

START_TEST(missing_right_traps)
{
	struct seen s = in_child(rights_write);

	ck_assert_int_eq(s.signo, SIGSYS);
	ck_assert_int_eq(s.code, SYS_SECCOMP);
	ck_assert_int_eq(s.err, ENOTCAPABLE);
	ck_assert_int_eq(s.nr, NR_write);
}
END_TEST

static void quiet_failure(void)
{
	if (cap_enter() != 0)
		_exit(11);
	if (open("/etc/passwd", O_RDONLY) != -1 || errno != ECAPMODE)
		_exit(12);
	_exit(0);
}

START_TEST(without_trapping_failures_are_quiet)
{
	struct seen s = in_child(quiet_failure);

	ck_assert_int_eq(s.signo, 0);
}
END_TEST

static void supervisor_refusal(void)
{
	enable();
	if (cap_enter() != 0)
		_exit(11);
	/* the supervisor decides signals: another process is refused */
	(void)kill(getppid(), 0);
	_exit(12);
}

static void capmode_open(void)
{
	enable();
	if (cap_enter() != 0)
		_exit(11);
	(void)open("/etc/passwd", O_RDONLY);
	_exit(12);
}

/* The supervisor's refusals come queued (SI_QUEUE) with the error in si_errno. */
START_TEST(supervisor_refusal_traps)
{
	struct seen s = in_child(supervisor_refusal);

	ck_assert_int_eq(s.signo, SIGSYS);
	ck_assert_int_eq(s.code, SI_QUEUE);
	ck_assert_int_eq(s.err, ECAPMODE);
	s = in_child(capmode_open);
	ck_assert_int_eq(s.signo, SIGSYS);
	ck_assert_int_eq(s.err, ECAPMODE);
}
END_TEST

static void probes_do_not_trap(void)
{
	cap_rights_t r;
	int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);

	enable();
	/* each limit probes the process's descriptors for io_uring rings */
	if (cap_rights_limit(a, cap_rights_init(&r, CAP_READ)) != 0 ||
	    cap_rights_limit(b, cap_rights_init(&r, CAP_READ)) != 0 || cap_enter() != 0 ||
	    cap_rights_limit(a, cap_rights_init(&r, CAP_READ)) != 0)
		_exit(11);
	_exit(0);
}

START_TEST(the_librarys_own_probes_do_not_trap)
{
	struct seen s = in_child(probes_do_not_trap);

	ck_assert_int_eq(s.signo, 0);
}
END_TEST

START_TEST(status_and_errors)
{
	int arg = 0, on = PROC_TRAPCAP_CTL_ENABLE, off = PROC_TRAPCAP_CTL_DISABLE;
	cap_rights_t r;
	int fd = open("/dev/null", O_RDONLY);

	ck_assert_ok(procctl(P_PID, getpid(), PROC_TRAPCAP_STATUS, &arg));
	ck_assert_int_eq(arg, PROC_TRAPCAP_CTL_DISABLE);
	ck_assert_ok(procctl(P_PID, 0, PROC_TRAPCAP_CTL, &on));
	ck_assert_ok(procctl(P_PID, 0, PROC_TRAPCAP_STATUS, &arg));
	ck_assert_int_eq(arg, PROC_TRAPCAP_CTL_ENABLE);
	/* nothing trapping installed yet: it can be turned off */
	ck_assert_ok(procctl(P_PID, 0, PROC_TRAPCAP_CTL, &off));
	ck_assert_ok(procctl(P_PID, 0, PROC_TRAPCAP_STATUS, &arg));
	ck_assert_int_eq(arg, PROC_TRAPCAP_CTL_DISABLE);
	ck_assert_fails(procctl(P_PID, getppid(), PROC_TRAPCAP_CTL, &on), EPERM);
	ck_assert_fails(procctl(P_PGID, 0, PROC_TRAPCAP_CTL, &on), EINVAL);
	ck_assert_fails(procctl(P_PID, 0, 1 /* PROC_SPROTECT */, &on), EINVAL);
	ck_assert_fails(procctl(P_PID, 0, PROC_TRAPCAP_CTL, NULL), EFAULT);
	arg = 7;
	ck_assert_fails(procctl(P_PID, 0, PROC_TRAPCAP_CTL, &arg), EINVAL);
	/* once a trapping filter is in, trapping stays (DEVIATIONS.md) */
	ck_assert_ok(procctl(P_PID, 0, PROC_TRAPCAP_CTL, &on));
	ck_assert_ok(cap_rights_limit(fd, cap_rights_init(&r, CAP_READ)));
	ck_assert_fails(procctl(P_PID, 0, PROC_TRAPCAP_CTL, &off), EBUSY);
	ck_assert_ok(procctl(P_PID, 0, PROC_TRAPCAP_STATUS, &arg));
	ck_assert_int_eq(arg, PROC_TRAPCAP_CTL_ENABLE);
}
END_TEST

static void enabled_then_disabled(void)
{
	int on = PROC_TRAPCAP_CTL_ENABLE, off = PROC_TRAPCAP_CTL_DISABLE;

	if (procctl(P_PID, 0, PROC_TRAPCAP_CTL, &on) != 0 ||
	    procctl(P_PID, 0, PROC_TRAPCAP_CTL, &off) != 0 || cap_enter() != 0)
		_exit(11);
	_exit(kill(getppid(), 0) == -1 && errno == ECAPMODE ? 0 : 12);
}

/* Turned off before any trapping filter: nothing traps, the supervisor neither. */
START_TEST(disabled_before_any_filter_traps_nothing)
{
	struct seen s = in_child(enabled_then_disabled);

	ck_assert_int_eq(s.signo, 0);
}
END_TEST

static void in_capmode(void)
{
	int on = PROC_TRAPCAP_CTL_ENABLE;

	if (cap_enter() != 0)
		_exit(11);
	_exit(procctl(P_PID, 0, PROC_TRAPCAP_CTL, &on) == -1 && errno == ECAPMODE ? 0 : 12);
}

START_TEST(refused_in_capability_mode)
{
	struct seen s = in_child(in_capmode);

	ck_assert_int_eq(s.signo, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("trap");
	TCase *t = tcase_create("procctl");

	tcase_add_test(t, capability_mode_failure_traps);
	tcase_add_test(t, missing_right_traps);
	tcase_add_test(t, without_trapping_failures_are_quiet);
	tcase_add_test(t, supervisor_refusal_traps);
	tcase_add_test(t, the_librarys_own_probes_do_not_trap);
	tcase_add_test(t, status_and_errors);
	tcase_add_test(t, refused_in_capability_mode);
	tcase_add_test(t, disabled_before_any_filter_traps_nothing);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
