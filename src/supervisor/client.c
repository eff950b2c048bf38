/*
 * Starting the supervisor (architecture brief 3).
 *
 *	HELLO answered        -> a listener of ours is already on the chain
 *	                         (a parent started it; we are a child or a new
 *	                         program image): use it
 *	ENOSYS                -> our listener filter is there but nobody serves
 *	                         it: kernel-only, and routed calls fail ENOSYS
 *	EINVAL (no listener)  -> fork the supervisor; if it can read us
 *	                         (handover.h), install the listener filter,
 *	                         hand it the descriptor, drop ours
 *
 * The supervisor is forked before the listener filter exists, so its own
 * calls are never routed to itself, and twice, so that it is nobody's
 * child: a program's wait(-1) must not reap it.  Its listener descriptor
 * exists in this process only between seccomp() and close(); a fork()
 * meanwhile waits on the lock (lock.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/kcmp.h>

#include "../seccomp/install.h"
#include "client.h"
#include "handover.h"
#include "../procdesc/procdesc.h"
#include "ctl.h"
#include "route.h"
#include "slow.h"

enum { SUP_UNKNOWN, SUP_ACTIVE, SUP_NONE };

/* Inherited by fork (the chain is too); reset by exec, which asks again. */
static int state = SUP_UNKNOWN;

static long ctl(int op, long a, long b, long c)
{
	return syscall(SYS_prctl, CTL_PRCTL, op, a, b, c);
}

static pid_t fork_supervisor(int sock, int other)
{
	pid_t program = getpid(), mid, sup = -1;
	int st;

	mid = fork();
	if (mid < 0) {
		close(sock);
		return -1;
	}
	if (mid == 0) {
		close(other);
		if (fork() == 0) {
			pd_forget();
			supervisor_main(sock, program);
		}
		_exit(0);
	}
	while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
		;
	close(sock);
	/* The supervisor announces itself: its pid, or end of file if it died. */
	if (read(other, &sup, sizeof(sup)) != sizeof(sup))
		return -1;
	return sup;
}

/*
 * The supervisor places restricted copies on the slow range, which the
 * caller's RLIMIT_NOFILE must reach.  Where the hard limit does not allow
 * it, such copies fail with EMFILE.
 */
static void make_room(void)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < SLOW_HI &&
	    lim.rlim_max >= SLOW_HI) {
		lim.rlim_cur = SLOW_HI;
		(void)setrlimit(RLIMIT_NOFILE, &lim);
	}
}

/*
 * Whether every thread shares this one's descriptor table.  The supervisor
 * keeps slow-range states per process; a thread with a table of its own,
 * made before the listener could refuse it, would make them lie.
 */
static bool one_table(void)
{
	pid_t self = getpid();
	struct dirent *e;
	bool one = true;
	DIR *dir = opendir("/proc/self/task");

	if (dir == NULL)
		return false;
	while (one && (e = readdir(dir)) != NULL) {
		long tid = strtol(e->d_name, NULL, 10);

		if (tid > 0 && syscall(SYS_kcmp, self, (pid_t)tid, KCMP_FILES, 0, 0) != 0)
			one = false;
	}
	closedir(dir);
	return one;
}

static bool start(char mode)
{
	struct bpf_asm a;
	int sv[2], lfd;
	pid_t sup;
	bool ok = false;

	if (!one_table() || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return false;
	sup = fork_supervisor(sv[1], sv[0]);
	/* Where Yama restricts ptrace to ancestors, let the supervisor read us. */
	if (sup > 0)
		(void)prctl(PR_SET_PTRACER, sup, 0, 0, 0);
	if (sup <= 0 || handover_give(sv[0], sv[0], 0) != 0) {
		close(sv[0]);
		return false;
	}
	bpf_init(&a);
	lfd = listener_compile(&a, mode) == 0 ? seccomp_install_listener(&a) : -1;
	bpf_free(&a);
	if (lfd >= 0) {
		/*
		 * If the supervisor dies before taking the descriptor, routed
		 * calls fail with ENOSYS once it is closed here.
		 */
		ok = handover_give(sv[0], lfd, mode) == 0;
		close(lfd);
	}
	/* On failure the supervisor sees end of file and exits. */
	close(sv[0]);
	if (ok)
		make_room();
	return ok;
}

/* A child of fork(): let the supervisor meet it while the parent's table is as inherited. */
static void forked(void)
{
	int saved = errno;

	if (state == SUP_ACTIVE)
		(void)ctl(CTL_FORKED, 0, 0, 0);
	errno = saved;
}

void sup_child(void)
{
	forked();
}

static void register_forked(void)
{
	pthread_atfork(NULL, NULL, forked);
}

/* Traps asked for before the supervisor existed (procctl.c). */
static bool trap_pending;

bool sup_ensure(char mode)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	long r;

	if (state != SUP_UNKNOWN)
		return state == SUP_ACTIVE;
	r = ctl(CTL_HELLO, 0, 0, 0);
	if (r == CTL_MAGIC)
		state = SUP_ACTIVE;
	else if (r == -1 && errno == EINVAL)
		state = start(mode) ? SUP_ACTIVE : SUP_NONE;
	else
		state = SUP_NONE;
	if (state == SUP_ACTIVE)
		pthread_once(&once, register_forked);
	if (state == SUP_ACTIVE && trap_pending)
		(void)ctl(CTL_TRAP, 1, 0, 0);
	return state == SUP_ACTIVE;
}

bool sup_active(void)
{
	return state == SUP_ACTIVE;
}

char sup_mode(void)
{
	int saved = errno;
	long mode = state == SUP_ACTIVE ? ctl(CTL_MODE, 0, 0, 0) : 0;

	errno = saved;
	return mode == SUP_LEAN || mode == SUP_PATHS ? (char)mode : SUP_FULL;
}

bool sup_limit(int fd, const struct fd_state *st)
{
	int saved = errno;
	long r;

	if (state != SUP_ACTIVE)
		return false;
	r = ctl(CTL_LIMIT, fd, (long)(uintptr_t)st, (long)sizeof(*st));
	errno = saved;
	return r == 1;
}

void sup_trap(bool on)
{
	int saved = errno;

	trap_pending = on;
	if (state == SUP_ACTIVE)
		(void)ctl(CTL_TRAP, on, 0, 0);
	errno = saved;
}

/* capsicum(1)'s path table (paths.h): 0, or -1 with errno. */
int sup_path_add(int fd, const char *prefix)
{
	return ctl(CTL_PATH_ADD, fd, (long)(uintptr_t)prefix, (long)strlen(prefix)) < 0 ? -1 : 0;
}

int sup_path_cwd(const char *dir)
{
	return ctl(CTL_PATH_CWD, (long)(uintptr_t)dir, (long)strlen(dir), 0) < 0 ? -1 : 0;
}

int sup_path_log(int fd, unsigned flags)
{
	return ctl(CTL_PATH_LOG, fd, (long)flags, 0) < 0 ? -1 : 0;
}

int sup_place(int fd, const struct fd_state *st)
{
	long r = ctl(CTL_PLACE, fd, (long)(uintptr_t)st, (long)sizeof(*st));

	return r < 0 ? -1 : (int)r;
}
