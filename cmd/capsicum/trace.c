/*
 * --trace: report every capability failure of the confined program, the
 * counterpart of FreeBSD's ktrace CAPFAIL records.
 *
 * Failures the supervisor decides (names, copies, messages) it reports
 * itself.  Failures the kernel decides (a right a descriptor lacks, a
 * call capability mode forbids) never leave the kernel; so under --trace
 * the filters trap instead of failing (SECCOMP_RET_TRAP carries the
 * error), and this process, the program's tracer, catches each SIGSYS
 * before delivery, reports the call and makes it return the error, as if
 * the filter had answered it.  Without the tracer a trap would end the
 * program: --trace never makes it less confined.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <linux/audit.h>

#include "../../src/supervisor/paths.h"
#include "capsicum.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

/* In the child: be traced by the parent, which sets its options at this stop. */
void trace_child_ready(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0 || raise(SIGSTOP) != 0)
		fail(EXIT_TOOL, "--trace: cannot be traced: %s", strerror(errno));
}

static const char *error_name(int e)
{
	return e == ENOTCAPABLE ? "ENOTCAPABLE" : e == ECAPMODE ? "ECAPMODE" : strerror(e);
}

/*
 * A capability failure: report it, and make the call return the error.
 * Only a trap the kernel raised for the call the thread stopped in: a
 * SIGSYS the program queued to itself with a forged siginfo is delivered
 * as it is (the kernel leaves the call's number in rax after a trap; a
 * call that ran has its result there).  false if not a trap.
 */
static bool answer(pid_t pid, const siginfo_t *si)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) != 0 || si->si_arch != AUDIT_ARCH_X86_64 ||
	    (unsigned long long)si->si_call_addr != regs.rip ||
	    (unsigned long long)si->si_syscall != regs.orig_rax || regs.rax != regs.orig_rax)
		return false;
	fprintf(stderr,
	        "capsicum: trace: thread %d: %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx) = %s\n",
	        (int)pid, paths_call_name(si->si_syscall), regs.rdi, regs.rsi, regs.rdx, regs.r10,
	        regs.r8, regs.r9, error_name(si->si_errno));
	regs.rax = (unsigned long long)-(long long)si->si_errno;
	return ptrace(PTRACE_SETREGS, pid, NULL, &regs) == 0;
}

/* Tracees met so far: each starts with a SIGSTOP of the kernel's, not to be delivered. */
static pid_t *known;
static size_t nknown;

static bool first_stop(pid_t pid)
{
	pid_t *k;

	for (size_t i = 0; i < nknown; i++)
		if (known[i] == pid)
			return false;
	if ((k = realloc(known, (nknown + 1) * sizeof(*k))) == NULL)
		return false;
	known = k;
	known[nknown++] = pid;
	return true;
}

/* End as the program ended: its exit status, or its signal. */
_Noreturn void exit_like(int status)
{
	if (WIFSIGNALED(status)) {
		struct sigaction sa = {.sa_handler = SIG_DFL};

		sigaction(WTERMSIG(status), &sa, NULL);
		raise(WTERMSIG(status));
		exit(128 + WTERMSIG(status));
	}
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_TOOL);
}

_Noreturn void trace_parent(pid_t child)
{
	int status, result = EXIT_TOOL << 8;
	pid_t pid;

	/* The first stop is the child's own SIGSTOP. */
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status))
		fail(EXIT_TOOL, "--trace: the program did not stop for its tracer");
	if (ptrace(PTRACE_SETOPTIONS, child, NULL,
	           PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
	               PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) != 0)
		fail(EXIT_TOOL, "--trace: %s", strerror(errno));
	(void)ptrace(PTRACE_CONT, child, NULL, NULL);
	while ((pid = waitpid(-1, &status, __WALL)) > 0 || errno == EINTR) {
		siginfo_t si;
		int sig = 0;

		if (pid <= 0)
			continue;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (pid == child)
				result = status;
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		sig = WSTOPSIG(status);
		if ((status >> 16) != 0 || sig == (SIGTRAP | 0x80)) {
			sig = 0; /* a fork, clone or exec event */
		} else if (ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) != 0) {
			sig = 0; /* a group stop: job control is not kept under --trace */
		} else if (sig == SIGSYS && si.si_code == SYS_SECCOMP &&
		           (si.si_errno == ENOTCAPABLE || si.si_errno == ECAPMODE) &&
		           answer(pid, &si)) {
			sig = 0;
		} else if (sig == SIGSTOP && pid != child && first_stop(pid)) {
			sig = 0; /* a new tracee's first stop */
		}
		(void)ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	exit_like(result);
}
