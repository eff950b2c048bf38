/*
 * Process descriptors: pdfork, pdgetpid, pdkill, pdwait4 (FreeBSD's
 * semantics, spec section 3), the descriptor's life across copies, exec
 * and SCM_RIGHTS, its rights, fstat, capability mode, and attacks on the
 * emulation (the pidfd it keeps, the socket underneath).  Tests named
 * documented_deviation_* assert what the emulation does where it differs
 * from FreeBSD.
 *
 * A child's death is observed through a pipe whose write end only the
 * child holds: EOF on the read end means it died.  Every wait is bounded.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <sys/capsicum.h>
#include <sys/procdesc.h>

#include "harness.h"

#define ENTER() ck_assert_int_eq(cap_enter(), 0)

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define DEATH_MS 2000 /* how long a child may take to die */
#define ALIVE_MS 150  /* how long a child must stay alive to count as alive */

/* ---- helpers ------------------------------------------------------------------------------ */

/* Whether the child holding watch's write end died within ms (EOF); data is skipped. */
static int gone_within(int watch, int ms)
{
	char buf[64];

	for (;;) {
		struct pollfd pf = {watch, POLLIN, 0};
		ssize_t n;

		if (poll(&pf, 1, ms) <= 0)
			return 0;
		n = read(watch, buf, sizeof(buf));
		if (n == 0)
			return 1;
		if (n < 0)
			return 0;
	}
}

/* Whether watch's writer is still alive after ms (no EOF, no data). */
static int alive_for(int watch, int ms)
{
	struct pollfd pf = {watch, POLLIN, 0};

	return poll(&pf, 1, ms) == 0;
}

/* Read exactly len bytes from fd within DEATH_MS. */
static void read_exactly(int fd, void *buf, size_t len)
{
	struct pollfd pf = {fd, POLLIN, 0};

	ck_assert_int_eq(poll(&pf, 1, DEATH_MS), 1);
	ck_assert_int_eq(read(fd, buf, len), (ssize_t)len);
}

/*
 * Where the kernel makes process descriptors (Linux 7.1), the descriptor
 * is a pidfd (pidfs) and the child reaps itself at its exit; a test then
 * watches it through a pidfd of its own (another file: the last close of
 * the descriptor still kills).  Set by start().
 */
static int native;
#define MAX_WATCHED 64
static struct {
	pid_t pid;
	int pidfd;
} watched[MAX_WATCHED];

static int in_capmode(void)
{
	unsigned mode = 0;

	return cap_getmode(&mode) == 0 && mode;
}

static int is_pidfd(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == 0x50494446;
}

/* PIDFD_GET_INFO's first struct, enough for the exit status. */
struct exit_info {
	uint64_t mask, cgroupid;
	uint32_t ids[11];
	int32_t exit_code;
};
#define GET_INFO  _IOWR(0xFF, 11, struct exit_info)
#define INFO_EXIT 8ULL

/* Whether the process descriptor fd reports its child's exit within ms. */
static int hup_within(int fd, int ms)
{
	struct pollfd pf = {fd, POLLHUP, 0};

	return poll(&pf, 1, ms) == 1 && (pf.revents & POLLHUP);
}

/*
 * pdfork a child that runs fn(out) (if fn) and then blocks; out is a pipe's
 * write end that only the child holds; *watch gets the read end.
 */
static pid_t start(int *fd, int flags, int *watch, void (*fn)(int out))
{
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	fflush(stdout);
	fflush(stderr);
	pid = pdfork(fd, flags);
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		if (fn)
			fn(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	*watch = p[0];
	native = is_pidfd(*fd);
	if (native && !in_capmode()) { /* capability mode opens no pidfd */
		struct stat a, b;
		int i = 0;

		while (i < MAX_WATCHED - 1 && watched[i].pid != 0)
			i++;
		watched[i].pid = pid;
		/* The child may be gone already (it reaps itself): no watcher then. */
		watched[i].pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (watched[i].pidfd >= 0 &&
		    (syscall(SYS_fstat, watched[i].pidfd, &a) != 0 ||
		     syscall(SYS_fstat, *fd, &b) != 0 ||
		     a.st_ino != b.st_ino)) {    /* the system call: libcapsicum's hides pidfs */
			close(watched[i].pidfd); /* another process that took the pid */
			watched[i].pidfd = -1;
		}
	}
	return pid;
}

/* Our own child's fate, without reaping it: the signal that killed it, else -1. */
static int killed_by(pid_t pid)
{
	siginfo_t si;

	for (int i = 0; native && i < MAX_WATCHED; i++) {
		struct pollfd pf = {watched[i].pidfd, 0, 0};
		struct exit_info info = {.mask = INFO_EXIT};

		if (watched[i].pid != pid)
			continue;
		ck_assert_msg(watched[i].pidfd >= 0, "child %d died before it could be watched",
		              pid);
		/* The kernel's child reaped itself: its status stays with any pidfd. */
		ck_assert_int_eq(poll(&pf, 1, DEATH_MS), 1);
		ck_assert_int_eq(ioctl(watched[i].pidfd, GET_INFO, &info), 0);
		ck_assert(info.mask & INFO_EXIT);
		return WIFSIGNALED(info.exit_code) ? WTERMSIG(info.exit_code) : -1;
	}
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | __WALL), 0);
	return si.si_code == CLD_KILLED ? si.si_status : -1;
}

/* A process's state letter from /proc/<pid>/stat, or 0 if there is no such process. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Whether the process has no children at all (of any kind). */
static int no_children(void)
{
	siginfo_t si;

	errno = 0;
	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL) == -1 && errno == ECHILD;
}

static ssize_t send_fd_raw(int sock, int fd)
{
	char byte = 'D', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {&byte, 1};
	struct msghdr m = {0};
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &m, 0);
}

static void send_fd(int sock, int fd)
{
	ck_assert_int_eq(send_fd_raw(sock, fd), 1);
}

/* In a child: the descriptor sent by send_fd, or -1. */
static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {&byte, 1};
	struct msghdr m = {0};
	struct cmsghdr *c;
	int fd = -1;

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&m);
	if (c == NULL || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* A plain forked process that blocks until killed; *watch sees its death. */
static pid_t victim(int *watch)
{
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	close(p[1]);
	*watch = p[0];
	return pid;
}

/*
 * Run as a helper, exec'd by a test with PROCDESC_HELPER_FD set: report
 * what pdgetpid, pdkill(0) and pdkill(SIGKILL) give on the inherited
 * descriptor (the pid or -errno, then errnos) on stdout.
 */
__attribute__((constructor)) static void exec_helper(void)
{
	const char *s = getenv("PROCDESC_HELPER_FD");
	int fd, r[3];
	pid_t p = -1;

	if (s == NULL)
		return;
	fd = atoi(s);
	r[0] = pdgetpid(fd, &p) == 0 ? p : -errno;
	r[1] = pdkill(fd, 0) == 0 ? 0 : errno;
	r[2] = pdkill(fd, SIGKILL) == 0 ? 0 : errno;
	(void)!write(STDOUT_FILENO, r, sizeof(r));
	_exit(0);
}

/*
 * Check's runner catches SIGTERM and SIGINT (to kill the test's process
 * group), and its test processes inherit the handlers: a child that
 * raised or received SIGTERM would run them.  Children here get the
 * defaults.
 */
static void default_signals(void)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
}

/* ---- 1. pdfork ------------------------------------------------------------------------------ */

static volatile sig_atomic_t sigchlds;

static void on_sigchld(int sig)
{
	(void)sig;
	sigchlds++;
}

static void report_ppid_and_exit(int out)
{
	pid_t pp = getppid();

	(void)!write(out, &pp, sizeof(pp));
	_exit(3);
}

START_TEST(pdfork_returns_pid_and_descriptor)
{
	struct sigaction sa;
	struct rusage ru;
	sigset_t pending;
	pid_t pid, got = -1, ppid = -1;
	int fd = -1, w, st = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART;
	ck_assert_int_eq(sigaction(SIGCHLD, &sa, NULL), 0);

	pid = start(&fd, 0, &w, report_ppid_and_exit);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
	ck_assert_int_eq(pdgetpid(fd, &got), 0);
	ck_assert_int_eq(got, pid);
	/* the child returned 0 from pdfork (start's child branch) and sees us as its parent */
	read_exactly(w, &ppid, sizeof(ppid));
	ck_assert_int_eq(ppid, getpid());
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert(hup_within(fd, DEATH_MS));
	/* the child is a zombie now: still invisible to wait(-1) */
	ck_assert_fails(waitpid(-1, &st, WNOHANG), ECHILD);
	ck_assert_fails(wait(&st), ECHILD);
	ck_assert_int_eq(pdwait4(fd, &st, 0, &ru), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 3);
	/* no SIGCHLD, delivered or pending */
	ck_assert_int_eq(sigpending(&pending), 0);
	ck_assert(!sigismember(&pending, SIGCHLD));
	ck_assert_int_eq(sigchlds, 0);
	ck_assert(no_children());
}
END_TEST

START_TEST(child_is_invisible_to_wait_while_running)
{
	pid_t pid;
	int fd, w, st;

	pid = start(&fd, 0, &w, NULL);
	ck_assert_fails(waitpid(-1, &st, WNOHANG), ECHILD);
	ck_assert_fails(wait(&st), ECHILD); /* does not block: there is nothing to wait for */
	ck_assert_fails(waitpid(pid, &st, WNOHANG), ECHILD);
	ck_assert(alive_for(w, 0));
	ck_assert_int_eq(pdkill(fd, SIGKILL), 0);
	ck_assert(gone_within(w, DEATH_MS));
}
END_TEST

/* The child is an ordinary process: libc works, and its own signals hit it alone. */
static void libc_then_sigterm(int out)
{
	char *small = malloc(40), *big = malloc(1 << 20);

	if (!small || !big)
		_exit(10);
	memset(big, 'x', 1 << 20);
	strcpy(small, "hello");
	if (dup2(out, STDOUT_FILENO) != STDOUT_FILENO)
		_exit(11);
	printf("%s %d\n", small, big[12345] == 'x' ? 42 : 0);
	fflush(stdout);
	free(big);
	free(small);
	raise(SIGTERM);
	_exit(12);
}

START_TEST(child_uses_libc_and_raises)
{
	char line[16] = "";
	pid_t pid, me = getpid();
	int fd, w, st = 0;

	pid = start(&fd, 0, &w, libc_then_sigterm);
	read_exactly(w, line, 9);
	ck_assert_str_eq(line, "hello 42\n");
	ck_assert(hup_within(fd, DEATH_MS));
	ck_assert_int_eq(pdwait4(fd, &st, 0, NULL), pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x", st);
	ck_assert_int_eq(getpid(), me); /* and we are still here */
}
END_TEST

/* ---- 2. flags -------------------------------------------------------------------------------- */

START_TEST(pdfork_flags)
{
	int fd = -1, fd2 = -1, w, w2;

	ck_assert_fails(pdfork(&fd, 0x4), EINVAL);
	ck_assert_fails(pdfork(&fd, 0x100 | PD_CLOEXEC), EINVAL);
	ck_assert_fails(pdfork(&fd, -1), EINVAL);
	ck_assert_int_eq(fd, -1);
	ck_assert_fails(pdfork(NULL, 0), EFAULT);
	ck_assert(no_children());

	start(&fd, PD_CLOEXEC, &w, NULL);
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
	start(&fd2, 0, &w2, NULL);
	ck_assert_int_eq(fcntl(fd2, F_GETFD), 0);
	ck_assert_int_ne(fd, fd2);
	ck_assert_int_eq(pdkill(fd, SIGKILL), 0);
	ck_assert_int_eq(pdkill(fd2, SIGKILL), 0);
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert(gone_within(w2, DEATH_MS));
}
END_TEST

/* ---- 3. last close kills ------------------------------------------------------------------- */

static void block_in_read(int out)
{
	int p[2];
	char c;

	(void)out;
	if (pipe(p) != 0)
		_exit(1);
	(void)!read(p[0], &c, 1);
	_exit(2);
}

START_TEST(last_close_kills)
{
	pid_t pid;
	int fd, w, fd2, w2;

	pid = start(&fd, 0, &w, NULL); /* in pause() */
	ck_assert(alive_for(w, 0));
	ck_assert_int_eq(close(fd), 0);
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert_int_eq(killed_by(pid), SIGKILL);

	pid = start(&fd2, 0, &w2, block_in_read);
	ck_assert(alive_for(w2, 50));
	ck_assert_int_eq(close(fd2), 0);
	ck_assert(gone_within(w2, DEATH_MS));
	ck_assert_int_eq(killed_by(pid), SIGKILL);
}
END_TEST

/*
 * FreeBSD reaps a child at once when its last descriptor is closed (init
 * adopts and reaps it).  The emulation learns of the close only when it
 * next sweeps its table, at the next pdfork: until then the child is our
 * zombie, after it the process is gone.
 */
static void exit_now(int out)
{
	(void)out;
	_exit(0);
}

START_TEST(documented_deviation_closed_child_reaped_at_next_pdfork)
{
	pid_t pid, pid2;
	int fd, w, fd2, w2, st;

	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(close(fd), 0);
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert_int_eq(killed_by(pid), SIGKILL); /* waits until it is a zombie */
	if (native) {
		/* The kernel's child: no zombie at all, as on FreeBSD. */
		ck_assert_int_eq(proc_state(pid), 0);
		ck_assert(no_children());
		return;
	}
	ck_assert_int_eq(proc_state(pid), 'Z');
	ck_assert_fails(waitpid(-1, &st, WNOHANG), ECHILD);

	pid2 = start(&fd2, 0, &w2, exit_now);
	ck_assert_int_eq(proc_state(pid), 0); /* reaped by that pdfork */
	ck_assert(gone_within(w2, DEATH_MS));
	ck_assert_int_eq(pdwait4(fd2, &st, 0, NULL), pid2);
	ck_assert(no_children());
}
END_TEST

/* ---- 4. PD_DAEMON ---------------------------------------------------------------------------- */

START_TEST(daemon_survives_close)
{
	pid_t pid;
	int fd, w;

	pid = start(&fd, PD_DAEMON, &w, NULL);
	ck_assert_int_eq(close(fd), 0);
	ck_assert(alive_for(w, 300));
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert(gone_within(w, DEATH_MS));
}
END_TEST

/* ---- 5. copies ------------------------------------------------------------------------------- */

START_TEST(dup_keeps_child_alive)
{
	pid_t pid, got;
	int fd, w, d;

	pid = start(&fd, 0, &w, NULL);
	d = dup(fd);
	ck_assert_int_ge(d, 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert(alive_for(w, ALIVE_MS));
	ck_assert_int_eq(pdgetpid(d, &got), 0);
	ck_assert_int_eq(got, pid);
	ck_assert_int_eq(pdkill(d, 0), 0);
	ck_assert_int_eq(close(d), 0);
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert_int_eq(killed_by(pid), SIGKILL);
}
END_TEST

START_TEST(forked_holder_keeps_child_alive)
{
	int fd, w, go[2], st;
	pid_t pid, h;
	char c;

	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(pipe(go), 0);
	h = fork();
	ck_assert_int_ge(h, 0);
	if (h == 0) {
		pid_t got = -1;

		close(go[1]);
		/* the holder inherited the descriptor (and the library's table) */
		if (pdgetpid(fd, &got) != 0 || got != pid || pdkill(fd, 0) != 0)
			_exit(1);
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	close(go[0]);
	ck_assert_int_eq(close(fd), 0);
	ck_assert(alive_for(w, ALIVE_MS));
	close(go[1]); /* the holder exits */
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert_int_eq(waitpid(h, &st, 0), h);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "holder status %#x", st);
	ck_assert_int_eq(killed_by(pid), SIGKILL);
}
END_TEST

/*
 * A receiver, forked before the children exist (it inherits neither them
 * nor the library's table), gets A's then B's descriptor: it reports A's
 * pid as pdgetpid gives it, kills B with pdkill, then on a byte closes A.
 */
static void receiver(void *arg)
{
	int s = *(int *)arg, a, b;
	pid_t pa = -1;
	char c;

	CHILD_CHECK((a = recv_fd(s)) >= 0);
	CHILD_CHECK(pdgetpid(a, &pa) == 0);
	CHILD_CHECK(pdkill(a, 0) == 0);
	CHILD_CHECK(write(s, &pa, sizeof(pa)) == sizeof(pa));
	CHILD_CHECK((b = recv_fd(s)) >= 0);
	CHILD_CHECK(pdkill(b, SIGKILL) == 0);
	CHILD_CHECK(close(b) == 0);
	CHILD_CHECK(read(s, &c, 1) == 1);
	CHILD_CHECK(close(a) == 0);
}

START_TEST(descriptor_sent_over_scm_rights)
{
	int sv[2], fa, fb, wa, wb;
	pid_t pa, pb, got = -1;
	struct child r;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	r = spawn(receiver, &sv[1]);
	close(sv[1]);
	pa = start(&fa, 0, &wa, NULL);
	send_fd(sv[0], fa);
	ck_assert_int_eq(close(fa), 0);
	ck_assert(alive_for(wa, ALIVE_MS));
	read_exactly(sv[0], &got, sizeof(got));
	ck_assert_int_eq(got, pa);

	pb = start(&fb, 0, &wb, NULL);
	send_fd(sv[0], fb);
	ck_assert_int_eq(close(fb), 0);
	ck_assert(gone_within(wb, DEATH_MS)); /* the receiver's pdkill */
	ck_assert_int_eq(killed_by(pb), SIGKILL);
	ck_assert(alive_for(wa, 0));

	ck_assert_int_eq(write(sv[0], "x", 1), 1); /* the receiver closes A's */
	ck_assert(gone_within(wa, DEATH_MS));
	ck_assert_int_eq(killed_by(pa), SIGKILL);
	reap(r);
}
END_TEST

/* ---- 6. exec --------------------------------------------------------------------------------- */

/*
 * A holder that waits for a byte on ctl, then runs a shell on ctl (stdin)
 * and out (stdout) that says "x" and waits for EOF on its input.
 */
static pid_t exec_holder(int ctl, int out)
{
	pid_t h = fork();

	ck_assert_int_ge(h, 0);
	if (h == 0) {
		char c;

		if (read(ctl, &c, 1) != 1 || dup2(ctl, 0) != 0 || dup2(out, 1) != 1)
			_exit(126);
		execl("/bin/sh", "sh", "-c", "echo x; read y", (char *)NULL);
		_exit(127);
	}
	return h;
}

static void exec_case(int flags)
{
	int fd, w, ctl[2], out[2], st;
	pid_t pid, h;
	char x[2];

	pid = start(&fd, flags, &w, NULL);
	ck_assert_int_eq(pipe2(ctl, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	h = exec_holder(ctl[0], out[1]);
	close(ctl[0]);
	close(out[1]);
	ck_assert_int_eq(close(fd), 0);
	ck_assert(alive_for(w, ALIVE_MS)); /* the holder, before exec, holds it */
	ck_assert_int_eq(write(ctl[1], "g", 1), 1);
	read_exactly(out[0], x, 2); /* the shell runs */
	ck_assert_int_eq(x[0], 'x');
	if (flags & PD_CLOEXEC) {
		ck_assert(gone_within(w, DEATH_MS)); /* closed at the exec */
	} else {
		ck_assert(alive_for(w, ALIVE_MS)); /* the shell holds it */
	}
	close(ctl[1]); /* the shell exits */
	ck_assert_int_eq(waitpid(h, &st, 0), h);
	ck_assert(WIFEXITED(st));
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert_int_eq(killed_by(pid), SIGKILL);
}

START_TEST(exec_keeps_descriptor)
{
	exec_case(0);
}
END_TEST

START_TEST(cloexec_descriptor_closes_at_exec)
{
	exec_case(PD_CLOEXEC);
}
END_TEST

/* The child itself may exec: the new program is still killed by the last close. */
static void exec_sleep(int out)
{
	(void)out;
	execl("/bin/sh", "sh", "-c", "exec sleep 30", (char *)NULL);
	_exit(127);
}

START_TEST(child_that_execs_still_dies_on_close)
{
	int fd, w, p[2];
	pid_t pid;

	/* out is close-on-exec in the child: watch a pipe it keeps across exec instead */
	ck_assert_int_eq(pipe(p), 0);
	pid = start(&fd, 0, &w, exec_sleep);
	close(p[1]);
	close(w);
	/* wait until it runs sleep (its command line changes) */
	for (int i = 0; i < 200; i++) {
		char path[64], cmd[64] = "";
		int c;

		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		c = open(path, O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(c, 0);
		(void)!read(c, cmd, sizeof(cmd) - 1);
		close(c);
		if (strcmp(cmd, "sleep") == 0)
			break;
		usleep(10000);
	}
	ck_assert(alive_for(p[0], 50));
	ck_assert_int_eq(close(fd), 0);
	ck_assert(gone_within(p[0], DEATH_MS));
	ck_assert_int_eq(killed_by(pid), SIGKILL);
}
END_TEST

/* Whether this kernel is Linux 7.1 or later (clone3's AUTOREAP, PIDFD_AUTOKILL, NNP). */
static int kernel_7_1(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	ck_assert_int_eq(uname(&u), 0);
	ck_assert_int_eq(sscanf(u.release, "%d.%d", &major, &minor), 2);
	return major > 7 || (major == 7 && minor >= 1);
}

/*
 * A process with no_new_privs gets the kernel's descriptor exactly where
 * the kernel makes them (Linux 7.1), as any user: the descriptor is a
 * pidfd, its last close kills, pdwait4 reads the status, and the child
 * leaves no zombie.  Elsewhere, the emulation's socket.
 */
START_TEST(kernel_descriptor_where_the_kernel_has_them)
{
	struct rusage ru;
	pid_t pid, pid2;
	int fd, w, st = 0;

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(is_pidfd(fd), kernel_7_1());
	if (!kernel_7_1())
		return;
	ck_assert_int_eq(pdwait4(fd, &st, WNOHANG, NULL), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert_int_eq(killed_by(pid), SIGKILL);
	ck_assert(no_children());

	pid2 = start(&fd, 0, &w, exit_now);
	ck_assert(hup_within(fd, DEATH_MS));
	/* As on FreeBSD, any holder may wait: a process that inherited a copy. */
	{
		pid_t holder = fork();
		int hst = -1;

		ck_assert_int_ge(holder, 0);
		if (holder == 0)
			_exit(pdwait4(fd, &st, 0, NULL) == pid2 && WIFEXITED(st) ? 0 : 1);
		ck_assert_int_eq(waitpid(holder, &hst, 0), holder);
		ck_assert_msg(WIFEXITED(hst) && WEXITSTATUS(hst) == 0, "holder's pdwait4");
	}
	/* Deviations: reaped at its exit, so no signal reaches it, and no usage is kept. */
	ck_assert_fails(pdkill(fd, 0), ESRCH);
	memset(&ru, 0xff, sizeof(ru));
	ck_assert_int_eq(pdwait4(fd, &st, 0, &ru), pid2);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	ck_assert(ru.ru_utime.tv_sec == 0 && ru.ru_utime.tv_usec == 0 && ru.ru_maxrss == 0);
	ck_assert_fails(pdwait4(fd, &st, WNOHANG, NULL), ECHILD);
	ck_assert(no_children());
}
END_TEST

/* ---- 7. pdkill ---------------------------------------------------------------------------------
 */

START_TEST(pdkill_and_pdwait4)
{
	pid_t pid, got = -1;
	int fd, w, st = 0;

	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(pdkill(fd, 0), 0);
	ck_assert_fails(pdkill(fd, -1), EINVAL);
	ck_assert_fails(pdkill(fd, 65), EINVAL);
	ck_assert_fails(pdkill(fd, 1000), EINVAL);
	ck_assert(alive_for(w, 50));
	ck_assert_int_eq(pdwait4(fd, &st, WNOHANG, NULL), 0); /* running */
	ck_assert_int_eq(pdkill(fd, SIGTERM), 0);
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert(hup_within(fd, DEATH_MS));
	ck_assert_int_eq(pdwait4(fd, &st, 0, NULL), pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x", st);
	/* reaped */
	ck_assert_fails(pdkill(fd, 0), ESRCH);
	ck_assert_fails(pdkill(fd, SIGKILL), ESRCH);
	ck_assert_int_eq(pdgetpid(fd, &got), 0);
	ck_assert_int_eq(got, pid);
	ck_assert_fails(pdwait4(fd, &st, 0, NULL), ECHILD);
	ck_assert_fails(pdwait4(fd, &st, WNOHANG, NULL), ECHILD);
	ck_assert(no_children());
}
END_TEST

/* ---- 8. rights ------------------------------------------------------------------------------- */

/* Whether fd is a test's own watcher (start()). */
static int watcher(int fd)
{
	for (int i = 0; i < MAX_WATCHED; i++)
		if (watched[i].pid != 0 && watched[i].pidfd == fd)
			return 1;
	return 0;
}

/*
 * Every pidfd in this process but the test's own watchers: "anon_inode:[pidfd]"
 * or "pidfd:..." (newer kernels).  With the kernel's process descriptors,
 * the descriptors themselves.
 */
static int find_pidfds(int *out, int max)
{
	int n = 0;

	for (int i = 0; i < 4096 && n < max; i++) {
		char path[64], link[64] = "";

		if (watcher(i))
			continue;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", i);
		if (readlink(path, link, sizeof(link) - 1) <= 0)
			continue;
		if (strcmp(link, "anon_inode:[pidfd]") == 0 || strncmp(link, "pidfd:", 6) == 0)
			out[n++] = i;
	}
	return n;
}

START_TEST(rights_pdgetpid_only)
{
	cap_rights_t r;
	pid_t pid, got = -1;
	int fd, w, st;

	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_PDGETPID)), 0);
	ck_assert_fails(pdkill(fd, SIGKILL), ENOTCAPABLE);
	ck_assert_fails(pdkill(fd, 0), ENOTCAPABLE);
	ck_assert_fails(pdwait4(fd, &st, WNOHANG, NULL), ENOTCAPABLE);
	ck_assert_int_eq(pdgetpid(fd, &got), 0);
	ck_assert_int_eq(got, pid);
	ck_assert(alive_for(w, 50));
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert(gone_within(w, DEATH_MS));
}
END_TEST

/* A limit changes nothing of the descriptor's life: its last close kills. */
START_TEST(last_close_kills_a_limited_descriptor)
{
	cap_rights_t r;
	pid_t pid;
	int fd, w;

	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_PDGETPID, CAP_PDKILL)), 0);
	ck_assert_int_eq(close(fd), 0);
	if (!gone_within(w, DEATH_MS)) {
		kill(pid, SIGKILL);
		ck_abort_msg("the last close of a limited descriptor did not kill the child");
	}
	ck_assert_int_eq(killed_by(pid), SIGKILL);
}
END_TEST

/*
 * Closing a limited descriptor of an exited child, and making the next
 * child: what the library kept for the first (a pidfd, limited with the
 * descriptor) must not hamper the second, nor the files opened later on
 * its number.  Every lower number is taken first (a file opened on the
 * closed descriptor's own number keeps its limit, DEVIATIONS.md), so the
 * next pdfork gets the pidfd's number once the library has closed it.
 */
START_TEST(pdfork_after_closing_a_limited_descriptor)
{
	int fd, w, fd2 = -1, n, pidfd, f, st;
	cap_rights_t r;
	pid_t pid, pid2;

	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(find_pidfds(&pidfd, 1), 1);
	ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_PDGETPID, CAP_EVENT)), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert(hup_within(fd, DEATH_MS));
	ck_assert_int_eq(close(fd), 0);
	for (n = 0; n < 256; n++) /* fill every free number below the pidfd's */
		if ((f = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 || f > pidfd)
			break;
	ck_assert_int_gt(f, pidfd);
	ck_assert_int_eq(close(f), 0);
	fflush(stdout);
	pid2 = pdfork(&fd2, 0);
	if (pid2 == 0)
		_exit(0);
	ck_assert_msg(pid2 > 0, "pdfork: errno %d (%s)", errno, strerror(errno));
	ck_assert(hup_within(fd2, DEATH_MS));
	ck_assert_int_eq(pdwait4(fd2, &st, 0, NULL), pid2);
	ck_assert(WIFEXITED(st));
}
END_TEST

START_TEST(rights_pdkill_only)
{
	cap_rights_t r;
	pid_t pid, got = -1;
	int fd, w, st;

	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_PDKILL)), 0);
	ck_assert_fails(pdgetpid(fd, &got), ENOTCAPABLE);
	ck_assert_fails(pdwait4(fd, &st, WNOHANG, NULL), ENOTCAPABLE);
	ck_assert_int_eq(pdkill(fd, SIGKILL), 0);
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert_int_eq(killed_by(pid), SIGKILL);
}
END_TEST

/*
 * Deviation: rights belong to a descriptor, and on FreeBSD limiting a copy
 * leaves the original whole.  Here pdkill and pdwait go through one pidfd
 * per child, limited with the copy: the original keeps pdgetpid but loses
 * pdkill (ENOTCAPABLE), stricter, never looser.
 */
START_TEST(documented_deviation_limiting_a_copy_narrows_the_original)
{
	cap_rights_t r;
	pid_t pid, got = -1;
	int fd, w, d;

	pid = start(&fd, 0, &w, NULL);
	d = dup(fd);
	ck_assert_int_ge(d, 0);
	ck_assert_int_eq(cap_rights_limit(d, cap_rights_init(&r, CAP_PDGETPID)), 0);
	ck_assert_fails(pdkill(d, 0), ENOTCAPABLE);
	if (native)
		ck_assert_int_eq(pdkill(fd, 0), 0); /* the kernel's descriptor: as FreeBSD */
	else
		ck_assert_fails(pdkill(fd, 0), ENOTCAPABLE);
	ck_assert_int_eq(pdgetpid(fd, &got), 0);
	ck_assert_int_eq(got, pid);
	ck_assert(alive_for(w, 50));
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(close(d), 0);
	ck_assert(gone_within(w, DEATH_MS));
}
END_TEST

/* The pidfds the library keeps must be no way around the descriptor's rights. */
static void hidden_pidfd_attack(int capmode)
{
	int fd, w, pidfds[16], n;
	cap_rights_t r;
	pid_t pid, got;

	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_PDGETPID, CAP_EVENT)), 0);
	n = find_pidfds(pidfds, 16);
	ck_assert_int_ge(n, 1); /* the emulation keeps one for the child */
	if (capmode) {
		ENTER();
		ck_assert_fails(kill(pid, SIGKILL), ECAPMODE);
		ck_assert_fails(syscall(SYS_pidfd_open, pid, 0), ECAPMODE);
	}
	for (int i = 0; i < n; i++) {
		siginfo_t si;
		int d;

		ck_assert_fails(syscall(SYS_pidfd_send_signal, pidfds[i], SIGKILL, NULL, 0),
		                ENOTCAPABLE);
		ck_assert_fails(syscall(SYS_pidfd_send_signal, pidfds[i], 0, NULL, 0), ENOTCAPABLE);
		ck_assert_fails(
		    syscall(SYS_waitid, P_PIDFD, pidfds[i], &si, WEXITED | WNOHANG | __WALL, NULL),
		    ENOTCAPABLE);
		ck_assert_fails(syscall(SYS_waitid, P_PIDFD, pidfds[i], &si,
		                        WEXITED | WNOWAIT | WNOHANG | __WALL, NULL),
		                ENOTCAPABLE);
		errno = 0;
		ck_assert_int_eq(syscall(SYS_pidfd_getfd, pidfds[i], 0, 0), -1);
		ck_assert_msg(errno == (capmode ? ECAPMODE : ENOTCAPABLE), "pidfd_getfd: errno %d",
		              errno);
		/* a copy carries the limit, if it can be made at all */
		d = dup(pidfds[i]);
		if (d >= 0) {
			ck_assert_fails(syscall(SYS_pidfd_send_signal, d, SIGKILL, NULL, 0),
			                ENOTCAPABLE);
			close(d);
		}
	}
	ck_assert(alive_for(w, ALIVE_MS));
	ck_assert_int_eq(pdgetpid(fd, &got), 0);
	ck_assert_int_eq(got, pid);
	ck_assert(hup_within(fd, 0) == 0);
}

START_TEST(attack_hidden_pidfd)
{
	hidden_pidfd_attack(0);
}
END_TEST

START_TEST(attack_hidden_pidfd_in_capability_mode)
{
	hidden_pidfd_attack(1);
}
END_TEST

/*
 * The descriptor is a socket underneath, and a hang-up on the child's end
 * is what kills it: shutting it down must not kill the child for a holder
 * without CAP_PDKILL.  FreeBSD: shutdown fails (ENOTSOCK), the child lives.
 */
START_TEST(attack_shutdown_without_pdkill)
{
	cap_rights_t r;
	int fd, w;

	start(&fd, 0, &w, NULL);
	ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_PDGETPID, CAP_SHUTDOWN)), 0);
	ck_assert_fails(pdkill(fd, SIGKILL), ENOTCAPABLE);
	(void)shutdown(fd, SHUT_RDWR);
	(void)shutdown(fd, SHUT_RD);
	ck_assert(alive_for(w, ALIVE_MS));
}
END_TEST

/*
 * A process that did not make a descriptor finds the pid in it.  The pid
 * must not be forgeable: an ordinary socket made to look like a process
 * descriptor is not one (EBADF), and pdkill on it reaches no one.
 */
START_TEST(attack_forged_descriptor)
{
	int sv[2], vw, mark = 0x70646664, killed, r, e; /* procdesc.h's PD_MARK */
	pid_t v, got = -1;

	v = victim(&vw);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_PEEK_OFF, &mark, sizeof(mark)), 0);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)), 0);
	errno = 0;
	r = pdkill(sv[0], SIGKILL);
	e = errno;
	killed = !alive_for(vw, ALIVE_MS);
	kill(v, SIGKILL);
	waitpid(v, NULL, 0);
	ck_assert_msg(!killed, "pdkill on a forged socket killed pid %d (returned %d)", v, r);
	ck_assert_msg(r == -1 && e == EBADF, "pdkill on a forged socket: %d, errno %d", r, e);
	ck_assert_fails(pdgetpid(sv[0], &got), EBADF);
}
END_TEST

/*
 * A holder rewrites the pid in a real descriptor before passing it on: the
 * receiver must still name the child, not the victim.
 */
static void rewritten_receiver(void *arg)
{
	int s = *(int *)arg, d;
	pid_t p = -1;

	CHILD_CHECK((d = recv_fd(s)) >= 0);
	(void)pdgetpid(d, &p);
	CHILD_CHECK(write(s, &p, sizeof(p)) == sizeof(p));
	(void)pdkill(d, SIGKILL);
	CHILD_CHECK(write(s, "k", 1) == 1);
	(void)!read(s, &p, 1);
}

/*
 * A server holds the other end of every connection made to it.  An end
 * marked like a process descriptor and naming the server's pid must not
 * let another process's pdkill reach the server: the pair was not made by
 * the server's parent.
 */
static void forged_receiver(void *arg)
{
	int s = *(int *)arg, d, r, e;
	pid_t p = -1;

	CHILD_CHECK((d = recv_fd(s)) >= 0);
	errno = 0;
	r = pdkill(d, SIGKILL);
	e = errno;
	CHILD_CHECK(r == -1 && e == EBADF);
	CHILD_CHECK(pdgetpid(d, &p) == -1 && errno == EBADF);
}

START_TEST(attack_forged_descriptor_naming_a_server)
{
	int sv[2], pair[2], pipe_[2], mark = 0x70646664, end;
	pid_t server;
	struct child r;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pipe_), 0);
	server = fork();
	ck_assert_int_ge(server, 0);
	if (server == 0) {
		/* the server makes the pair and keeps one end, as accept() would */
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
			_exit(1);
		send_fd(pipe_[1], pair[0]);
		for (;;)
			pause();
	}
	end = recv_fd(pipe_[0]);
	ck_assert_int_ge(end, 0);
	ck_assert_int_eq(setsockopt(end, SOL_SOCKET, SO_PEEK_OFF, &mark, sizeof(mark)), 0);
	ck_assert_int_eq(setsockopt(end, SOL_SOCKET, SO_RCVLOWAT, &server, sizeof(server)), 0);
	r = spawn(forged_receiver, &sv[1]);
	send_fd(sv[0], end);
	reap(r);
	ck_assert_int_eq(waitpid(server, NULL, WNOHANG), 0); /* still running */
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
}
END_TEST

START_TEST(attack_rewritten_pid_in_sent_descriptor)
{
	int sv[2], fd, w, vw, killed;
	pid_t pid, v, got = -1;
	struct child r;
	char k;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	r = spawn(rewritten_receiver, &sv[1]);
	close(sv[1]);
	v = victim(&vw);
	pid = start(&fd, 0, &w, NULL);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)); /* FreeBSD: ENOTSOCK */
	send_fd(sv[0], fd);
	read_exactly(sv[0], &got, sizeof(got));
	read_exactly(sv[0], &k, 1);
	killed = !alive_for(vw, ALIVE_MS);
	ck_assert_int_eq(write(sv[0], "q", 1), 1);
	reap(r);
	kill(v, SIGKILL);
	waitpid(v, NULL, 0);
	ck_assert_msg(!killed, "the receiver's pdkill killed the victim %d (child %d)", v, pid);
	/* FreeBSD refuses the rewrite (ENOTSOCK); here the receiver refuses the descriptor */
	ck_assert_msg(got == pid || got == -1, "receiver's pdgetpid: %d; child %d, victim %d", got,
	              pid, v);
	if (got == -1)
		ck_assert_int_eq(close(fd), 0); /* the receiver's pdkill was refused too */
	ck_assert(gone_within(w, DEATH_MS));
}
END_TEST

/*
 * A limited descriptor travels with its rights: the receiver's copy lets
 * pdgetpid through and refuses pdwait4; the child dies when the last copy
 * closes, the one in flight held meanwhile.
 */
START_TEST(limited_descriptor_sent_keeps_its_rights)
{
	int sv[2], fd, w, got, st;
	pid_t pid, p = -1;
	cap_rights_t r;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_PDGETPID)), 0);
	ck_assert_int_eq(send_fd_raw(sv[0], fd), 1);
	ck_assert_int_eq(close(fd), 0);
	ck_assert(alive_for(w, 50)); /* in flight */
	got = recv_fd(sv[1]);
	ck_assert_int_ge(got, 0);
	ck_assert_int_eq(pdgetpid(got, &p), 0);
	ck_assert_int_eq(p, pid);
	ck_assert_fails(pdwait4(got, &st, WNOHANG, NULL), ENOTCAPABLE);
	ck_assert_int_eq(close(got), 0);
	ck_assert(gone_within(w, DEATH_MS));
}
END_TEST

/*
 * A program exec'd with the descriptor (not made by it, no table of the
 * library's) finds the child in it, limited or not: pdgetpid gives the
 * child's pid, pdkill reaches it.
 */
static void exec_helper_case(int limit)
{
	int fd, w, out[2], r[3], st;
	cap_rights_t rights;
	pid_t pid, h;

	pid = start(&fd, 0, &w, NULL);
	if (limit)
		ck_assert_int_eq(
		    cap_rights_limit(fd, cap_rights_init(&rights, CAP_PDGETPID, CAP_PDKILL)), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	h = fork();
	ck_assert_int_ge(h, 0);
	if (h == 0) {
		char num[16];

		snprintf(num, sizeof(num), "%d", fd);
		if (dup2(out[1], STDOUT_FILENO) != STDOUT_FILENO ||
		    setenv("PROCDESC_HELPER_FD", num, 1) != 0)
			_exit(126);
		execl("/proc/self/exe", "test_procdesc", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	ck_assert_int_eq(close(fd), 0);
	read_exactly(out[0], r, sizeof(r));
	ck_assert_int_eq(waitpid(h, &st, 0), h);
	ck_assert_msg(r[0] == pid, "pdgetpid after exec: %d (child %d)", r[0], pid);
	ck_assert_msg(r[1] == 0, "pdkill(0) after exec: errno %d", r[1]);
	ck_assert_msg(r[2] == 0, "pdkill(SIGKILL) after exec: errno %d", r[2]);
	ck_assert(gone_within(w, DEATH_MS));
	ck_assert_int_eq(killed_by(pid), SIGKILL);
}

START_TEST(descriptor_used_after_exec)
{
	exec_helper_case(0);
}
END_TEST

START_TEST(limited_descriptor_used_after_exec)
{
	exec_helper_case(1);
}
END_TEST

/* ---- 9. not a process descriptor ----------------------------------------------------------- */

static void not_procdesc(int fd)
{
	pid_t got;
	int st;

	ck_assert_fails(pdgetpid(fd, &got), EBADF);
	ck_assert_fails(pdkill(fd, SIGKILL), EBADF);
	ck_assert_fails(pdkill(fd, 0), EBADF);
	ck_assert_fails(pdwait4(fd, &st, WNOHANG, NULL), EBADF);
}

START_TEST(not_a_process_descriptor)
{
	int p[2], sv[2], closed, f = tmpfile_fd(1);

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	closed = dup(p[0]);
	ck_assert_int_ge(closed, 0);
	ck_assert_int_eq(close(closed), 0);
	not_procdesc(p[0]);
	not_procdesc(p[1]);
	not_procdesc(sv[0]);
	not_procdesc(f);
	not_procdesc(closed);
	not_procdesc(-1);
	not_procdesc(100000);
}
END_TEST

/* ---- 10. fstat ---------------------------------------------------------------------------------
 */

static void assert_stat(int fd, int alive)
{
	struct stat sb, sb2;

	ck_assert_int_eq(fstat(fd, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_int_eq(sb.st_mode & 07777, alive ? 0700 : 0);
	ck_assert_int_eq(sb.st_size, 0);
	if (alive) {
		ck_assert_int_eq(sb.st_uid, getuid());
		ck_assert_int_eq(sb.st_gid, getgid());
	}
	ck_assert_int_eq(fstatat(fd, "", &sb2, AT_EMPTY_PATH), 0);
	ck_assert_int_eq(sb2.st_mode, sb.st_mode);
}

START_TEST(fstat_of_descriptor)
{
	pid_t pid;
	int fd, w, st;

	pid = start(&fd, 0, &w, NULL);
	assert_stat(fd, 1);
	ck_assert_int_eq(pdkill(fd, SIGKILL), 0);
	ck_assert(hup_within(fd, DEATH_MS));
	assert_stat(fd, 0);
	ck_assert_int_eq(pdwait4(fd, &st, 0, NULL), pid);
	assert_stat(fd, 0);
}
END_TEST

/*
 * The child's exit is its own: a grandchild that outlives it does not
 * delay POLLHUP or fstat's report.
 */
static void fork_grandchild_and_exit(int out)
{
	pid_t g = fork();

	if (g < 0)
		_exit(1);
	if (g == 0) {
		pid_t me = getpid();

		(void)!write(out, &me, sizeof(me));
		close(out);
		for (;;)
			pause();
	}
	_exit(0);
}

START_TEST(grandchild_does_not_delay_exit)
{
	pid_t pid, g = -1;
	int fd, w, st = 0, hup;

	pid = start(&fd, 0, &w, fork_grandchild_and_exit);
	read_exactly(w, &g, sizeof(g));
	ck_assert(gone_within(w, DEATH_MS));              /* both closed the pipe */
	ck_assert_int_eq(pdwait4(fd, &st, 0, NULL), pid); /* the child exited */
	hup = hup_within(fd, 500);
	kill(g, SIGKILL);
	ck_assert_msg(hup, "no POLLHUP after the child exited: the grandchild holds its end");
	assert_stat(fd, 0);
}
END_TEST

/*
 * Deviation: on FreeBSD a child that closes every descriptor it does not
 * know (as daemons and shells do) is still bound to its descriptor.  Here
 * it closes its own end with them: the descriptor reports POLLHUP while
 * the child runs, and the last close no longer kills it.
 */
static void close_all_but_out(int out)
{
	for (int i = 3; i < 4096; i++)
		if (i != out)
			close(i);
}

START_TEST(documented_deviation_child_closing_its_descriptors_unbinds)
{
	pid_t pid;
	int fd, w;

	pid = start(&fd, 0, &w, close_all_but_out);
	ck_assert(alive_for(w, ALIVE_MS));
	if (native) {
		/* The kernel's descriptor: FreeBSD's behaviour, bound all the same. */
		ck_assert(!hup_within(fd, ALIVE_MS));
		ck_assert_int_eq(close(fd), 0);
		ck_assert(gone_within(w, DEATH_MS));
		ck_assert_int_eq(killed_by(pid), SIGKILL);
		return;
	}
	ck_assert_msg(hup_within(fd, 500), "no POLLHUP: the child's end survived closefrom");
	ck_assert_int_eq(close(fd), 0);
	ck_assert(alive_for(w, ALIVE_MS));
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert(gone_within(w, DEATH_MS));
}
END_TEST

/* ---- 11. capability mode --------------------------------------------------------------------- */

static void report_mode(int out)
{
	unsigned mode = 99;

	if (cap_getmode(&mode) != 0)
		mode = 98;
	(void)!write(out, &mode, sizeof(mode));
}

START_TEST(capmode_pdfork)
{
	unsigned mode = 0;
	pid_t pid, got = -1;
	int fd, w, fd2, w2, st = 0;

	ENTER();
	pid = start(&fd, 0, &w, report_mode);
	read_exactly(w, &mode, sizeof(mode));
	ck_assert_int_eq(mode, 1);
	ck_assert_int_eq(pdgetpid(fd, &got), 0);
	ck_assert_int_eq(got, pid);
	ck_assert_int_eq(pdkill(fd, 0), 0);
	ck_assert_int_eq(pdwait4(fd, &st, WNOHANG, NULL), 0);
	ck_assert(!hup_within(fd, 0));
	ck_assert_fails(kill(pid, SIGKILL), ECAPMODE);
	ck_assert_fails(kill(pid, 0), ECAPMODE);
	ck_assert(alive_for(w, 50));
	ck_assert_int_eq(pdkill(fd, SIGTERM), 0);
	ck_assert(hup_within(fd, DEATH_MS));
	ck_assert_int_eq(pdwait4(fd, &st, 0, NULL), pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x", st);

	/* the last close kills, in capability mode too */
	pid = start(&fd2, 0, &w2, NULL);
	ck_assert(alive_for(w2, 50));
	ck_assert_int_eq(close(fd2), 0);
	ck_assert(gone_within(w2, DEATH_MS));
	/* the kernel's child reaps itself; no pidfd to read its status here */
	if (!native)
		ck_assert_int_eq(killed_by(pid), SIGKILL);
}
END_TEST

/*
 * clone3's flags are in memory, where nothing the supervisor checks stays
 * fixed: a sealed read-only page is still written through /proc/PID/mem
 * by another process holding it (an independent review raced CLONE_FILES
 * and CLONE_NEWUSER through that way).  So every filter refuses clone3,
 * whatever its arguments, and pdfork emulates under filters.
 */
struct clone_args_ {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};
#define PD_KILL_FLAGS (0x1000ULL | 1ULL << 34 | 1ULL << 35 | 1ULL << 36)

static int clone_slot = -1;

/* a in a page of its own, read-only and sealed if seal. */
static struct clone_args_ *clone_page(struct clone_args_ a, int seal)
{
	struct clone_args_ *p =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	*p = a;
	if (seal) {
		ck_assert_int_eq(mprotect(p, 4096, PROT_READ), 0);
		ck_assert_int_eq(syscall(462 /* mseal */, p, 4096, 0), 0);
	}
	return p;
}

/* clone3: -errno, or in the parent the pid (the child exits). */
static long try_clone3(const struct clone_args_ *a, size_t size)
{
	long r = syscall(SYS_clone3, a, size);

	if (r == 0)
		_exit(0);
	return r < 0 ? -errno : r;
}

static void clone3_refused(int capmode)
{
	struct clone_args_ kill = {.flags = PD_KILL_FLAGS, .pidfd = (uintptr_t)&clone_slot};
	struct clone_args_ files = {.flags = CLONE_FILES, .exit_signal = SIGCHLD}, *sealed;
	cap_rights_t r;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	sealed = clone_page(kill, 1);
	if (capmode)
		ENTER();
	else
		ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_READ)), 0);
	ck_assert_int_eq(try_clone3(&kill, sizeof(kill)), -ENOSYS);
	ck_assert_int_eq(try_clone3(sealed, sizeof(kill)), -ENOSYS);
	ck_assert_int_eq(try_clone3(sealed, 88), -ENOSYS);
	ck_assert_int_eq(try_clone3(&files, sizeof(files)), -ENOSYS);
}

START_TEST(attack_clone3_in_capability_mode)
{
	clone3_refused(1);
}
END_TEST

START_TEST(attack_clone3_under_a_limit)
{
	clone3_refused(0);
}
END_TEST

/* Under filters pdfork emulates, whatever the kernel (clone3 is refused). */
START_TEST(capmode_pdfork_emulates)
{
	pid_t pid;
	int fd, w;

	ENTER();
	pid = start(&fd, 0, &w, NULL);
	ck_assert(!is_pidfd(fd));
	ck_assert(alive_for(w, 50));
	ck_assert_int_eq(close(fd), 0);
	ck_assert(gone_within(w, DEATH_MS));
	(void)pid;
}
END_TEST

START_TEST(capmode_daemon_refused)
{
	int fd = -1;

	ENTER();
	ck_assert_fails(pdfork(&fd, PD_DAEMON), ECAPMODE);
	ck_assert_fails(pdfork(&fd, PD_DAEMON | PD_CLOEXEC), ECAPMODE);
	ck_assert_int_eq(fd, -1);
}
END_TEST

START_TEST(capmode_setown)
{
	pid_t pid;
	int fd, w;

	ENTER();
	pid = start(&fd, 0, &w, NULL);
	ck_assert_int_eq(fcntl(fd, F_SETOWN, getpid()), 0);
	ck_assert_int_eq(fcntl(fd, F_GETOWN), getpid());
	ck_assert_int_eq(fcntl(fd, F_SETOWN, 0), 0);
	ck_assert_fails(fcntl(fd, F_SETOWN, pid), ECAPMODE);
	ck_assert_fails(fcntl(fd, F_SETOWN, getppid()), ECAPMODE);
	ck_assert_fails(fcntl(fd, F_SETOWN, -getpgrp()), ECAPMODE);
	ck_assert_int_eq(fcntl(fd, F_GETOWN), 0);
	ck_assert(alive_for(w, 0));
}
END_TEST

/* Without a supervisor the child's end cannot be armed: no child at all. */
START_TEST(kernel_only_pdfork_refused)
{
	int fd = -1;

	force_kernel_only();
	ENTER();
	ck_assert_fails(pdfork(&fd, 0), ECAPMODE);
	ck_assert_fails(pdfork(&fd, PD_CLOEXEC), ECAPMODE);
	ck_assert_int_eq(fd, -1);
	ck_assert(no_children());
}
END_TEST

/* ---- 12. threads ------------------------------------------------------------------------------
 */

static void *reader(void *arg)
{
	char c;

	return (void *)(long)read(*(int *)arg, &c, 1);
}

static void write_and_exit(int out)
{
	(void)!write(out, "c", 1);
	_exit(5);
}

START_TEST(pdfork_with_another_thread)
{
	pthread_t t;
	void *ret;
	int p[2], fd, w, st = 0;
	pid_t pid;
	char c = 0;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, reader, &p[0]), 0);
	pid = start(&fd, 0, &w, write_and_exit);
	read_exactly(w, &c, 1);
	ck_assert_int_eq(c, 'c');
	ck_assert(hup_within(fd, DEATH_MS));
	ck_assert_int_eq(pdwait4(fd, &st, 0, NULL), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 5);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_int_eq((long)ret, 1);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("procdesc");
	TCase *basic = tcase_create("pdfork"), *life = tcase_create("lifetime"),
	      *ops = tcase_create("operations"), *rights = tcase_create("rights"),
	      *capmode = tcase_create("capmode"), *attack = tcase_create("attack");

	tcase_add_test(basic, pdfork_returns_pid_and_descriptor);
	tcase_add_test(basic, child_is_invisible_to_wait_while_running);
	tcase_add_test(basic, child_uses_libc_and_raises);
	tcase_add_test(basic, pdfork_flags);
	tcase_add_test(basic, pdfork_with_another_thread);
	tcase_add_test(basic, kernel_descriptor_where_the_kernel_has_them);
	tcase_add_test(life, last_close_kills);
	tcase_add_test(life, documented_deviation_closed_child_reaped_at_next_pdfork);
	tcase_add_test(life, daemon_survives_close);
	tcase_add_test(life, dup_keeps_child_alive);
	tcase_add_test(life, forked_holder_keeps_child_alive);
	tcase_add_test(life, descriptor_sent_over_scm_rights);
	tcase_add_test(life, descriptor_used_after_exec);
	tcase_add_test(life, exec_keeps_descriptor);
	tcase_add_test(life, cloexec_descriptor_closes_at_exec);
	tcase_add_test(life, child_that_execs_still_dies_on_close);
	tcase_add_test(life, grandchild_does_not_delay_exit);
	tcase_add_test(life, documented_deviation_child_closing_its_descriptors_unbinds);
	tcase_add_test(ops, pdkill_and_pdwait4);
	tcase_add_test(ops, not_a_process_descriptor);
	tcase_add_test(ops, fstat_of_descriptor);
	tcase_add_test(rights, rights_pdgetpid_only);
	tcase_add_test(rights, rights_pdkill_only);
	tcase_add_test(rights, last_close_kills_a_limited_descriptor);
	tcase_add_test(rights, pdfork_after_closing_a_limited_descriptor);
	tcase_add_test(rights, documented_deviation_limiting_a_copy_narrows_the_original);
	tcase_add_test(rights, limited_descriptor_sent_keeps_its_rights);
	tcase_add_test(rights, limited_descriptor_used_after_exec);
	tcase_add_test(capmode, capmode_pdfork);
	tcase_add_test(capmode, capmode_daemon_refused);
	tcase_add_test(capmode, attack_clone3_in_capability_mode);
	tcase_add_test(capmode, attack_clone3_under_a_limit);
	tcase_add_test(capmode, capmode_pdfork_emulates);
	tcase_add_test(capmode, capmode_setown);
	tcase_add_test(capmode, kernel_only_pdfork_refused);
	tcase_add_test(attack, attack_hidden_pidfd);
	tcase_add_test(attack, attack_hidden_pidfd_in_capability_mode);
	tcase_add_test(attack, attack_shutdown_without_pdkill);
	tcase_add_test(attack, attack_forged_descriptor);
	tcase_add_test(attack, attack_rewritten_pid_in_sent_descriptor);
	tcase_add_test(attack, attack_forged_descriptor_naming_a_server);
	TCase *all[] = {basic, life, ops, rights, capmode, attack};

	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		tcase_add_checked_fixture(all[i], default_signals, NULL);
		suite_add_tcase(s, all[i]);
	}
	return s;
}

TEST_MAIN()
