/*
 * Confining the program: in this process, so that the program is
 * confined from its first instruction and its exit status is ours.
 *
 *	the program found and opened; inherited descriptors closed
 *	traps asked for (--trap, --trace); the kernel checked (mseal)
 *	the grants opened, and the working directory named, before the
 *	  supervisor starts (after, every name is a round trip)
 *	the supervisor started in paths mode (before any filter of ours)
 *	the grants limited and entered into its path table; where refusals
 *	  go; stdio limited; the network refused (unless --net)
 *	cap_enter(); fexecve() of a sealed copy of the program
 *
 * Anything failing on the way ends the tool with EXIT_TOOL before the
 * program ran: it never runs less confined than asked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <capsicum_helpers.h>
#include <sys/procctl.h>

#include "../../src/arch/arch.h"
#include "../../src/bpf/dispatch.h"
#include "../../src/lock.h"
#include "../../src/rights/state.h"
#include "../../src/seccomp/install.h"
#include "../../src/supervisor/client.h"
#include "../../src/supervisor/ctl.h"
#include "../../src/supervisor/slow.h"
#include "capsicum.h"

/*
 * The program as execvp(3) would find it, opened for fexecve: its
 * descriptor, or -EXIT_NOTFOUND / -EXIT_NOEXEC with errno set.
 */
static int find(const char *name, char *found, size_t size)
{
	const char *path = getenv("PATH");
	int fd, err = ENOENT;

	if (strchr(name, '/') != NULL) {
		snprintf(found, size, "%s", name);
		fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno == ENOENT || errno == ENOTDIR ? -EXIT_NOTFOUND : -EXIT_NOEXEC;
		return fd;
	}
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		snprintf(found, size, "%.*s%s%s", (int)len, len ? path : ".", "/", name);
		path += len + (path[len] == ':');
		if (access(found, X_OK) == 0 && (fd = open(found, O_RDONLY | O_CLOEXEC)) >= 0)
			return fd;
		if (errno != ENOENT && errno != ENOTDIR)
			err = errno;
	}
	errno = err;
	return err == ENOENT ? -EXIT_NOTFOUND : -EXIT_NOEXEC;
}

void program_open(struct options *o)
{
	o->prog = find(o->argv[0], o->found, sizeof(o->found));
	if (o->prog < 0)
		fail(-o->prog, "%s: %s", o->argv[0], strerror(errno));
}

/*
 * The program runs from a sealed copy, executed in capability mode only
 * from a path the kernel cannot be made to reread (mseal, Linux 6.10;
 * supervisor/exec.c).  Without it nothing could run: say so up front.
 */
static void check_kernel(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long r;

	if (p == MAP_FAILED)
		fail(EXIT_TOOL, "mmap: %s", strerror(errno));
	r = syscall(NR_mseal, p, (size_t)page, 0UL);
	if (r != 0 && errno == ENOSYS)
		fail(EXIT_TOOL, "this kernel has no mseal(2) (Linux 6.10 or later): a program "
		                "cannot be executed in capability mode here");
	munmap(p, (size_t)page); /* a sealed page stays: fine, it is one page */
}

/*
 * Files opened beneath the grants (but --all's) land on the slow range
 * (8192..12287), which the program's RLIMIT_NOFILE must reach: systemd
 * gives 524288, a bare init 4096.  Raise the hard limit where allowed,
 * else warn: such opens will fail with EMFILE (a dynamic program's
 * loader, first), which says little by itself.
 */
static void make_room(const struct options *o)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_max >= SLOW_HI)
		return;
	lim.rlim_cur = lim.rlim_max = SLOW_HI;
	if (setrlimit(RLIMIT_NOFILE, &lim) != 0 && !o->quiet)
		fprintf(stderr,
		        "capsicum: warning: the hard limit on open files is below %d: files opened "
		        "beneath a grant will fail with EMFILE (ulimit -Hn %d)\n",
		        SLOW_HI, SLOW_HI);
}

static void start_supervisor(void)
{
	bool ok;

	capsicum_lock();
	ok = sup_ensure(SUP_PATHS) && sup_mode() == SUP_PATHS;
	capsicum_unlock();
	if (!ok)
		fail(EXIT_TOOL, "cannot start the supervisor that resolves the program's paths "
		                "(a seccomp listener is already installed, or no descriptors or "
		                "processes are left)");
}

/*
 * Network off.  Capability mode refuses addresses (bind, connect, sendto
 * with one), but listen() on a fresh TCP socket binds a port by itself
 * and serves whoever connects.  The program may have unix sockets
 * (socketpair, and connections to named sockets the supervisor could one
 * day serve), not Internet ones.  A filter of the same make as the
 * library's (its prologue refuses foreign conventions; it traps where
 * failures trap).
 */
static void no_network(void)
{
	static const uint32_t inet[] = {AF_INET, AF_INET6};
	struct bpf_asm a;
	int refuse, allow, r;

	bpf_init(&a);
	refuse = bpf_label(&a);
	allow = bpf_label(&a);
	bpf_prologue(&a);
	bpf_jmp(&a, BPF_JEQ, NR_socket, BPF_NEXT, allow);
	bpf_ld(&a, SD_ARG_LO(0));
	bpf_jump_set(&a, inet, ARRAY_SIZE_(inet), refuse);
	bpf_bind(&a, allow);
	bpf_ret(&a, SECCOMP_RET_ALLOW);
	bpf_bind(&a, refuse);
	bpf_ret(&a, ret_fail(ECAPMODE));
	r = bpf_finish(&a);
	if (r == 0)
		r = seccomp_install(&a);
	bpf_free(&a);
	if (r != 0)
		fail(EXIT_TOOL, "cannot turn the network off: %s", strerror(-r));
}

/*
 * stdin, stdout and stderr as caph_limit_stdio(3) leaves them, one filter
 * each: what caph_limit_stream() does in three calls.
 */
static void limit_stdio(void)
{
	for (int fd = 0; fd < 3; fd++) {
		struct fd_state st = {.fcntls = caph_stream_fcntls};

		caph_stream_rights(&st.rights, fd == 0 ? CAPH_READ : CAPH_WRITE);
		st.nioctls = (int)ARRAY_SIZE_(caph_stream_cmds);
		for (int i = 0; i < st.nioctls; i++)
			st.ioctls[i] = (uint32_t)caph_stream_cmds[i];
		if (rights_limit_state(fd, &st) != 0 && errno != EBADF)
			fail(EXIT_TOOL, "cannot limit descriptor %d: %s", fd, strerror(errno));
	}
}

_Noreturn void run_confined(struct options *o)
{
	char cwd[PATH_MAX];
	unsigned flags = (o->quiet ? 0 : PATH_LOG_REFUSALS) | (o->net ? PATH_NET : 0);

	/* Only what the user names: no descriptor the caller left open but the program's. */
	if (o->prog > 3)
		(void)syscall(SYS_close_range, 3, o->prog - 1, 0);
	(void)syscall(SYS_close_range, o->prog + 1, ~0U, 0);
	if (o->trace)
		flags |= PATH_LOG_TRACE;
	/*
	 * --trap: the filters raise SIGSYS for a capability failure, and so
	 * does the supervisor.  --trace: the filters trap and the tracer turns
	 * each trap back into the error after reporting it (trace.c); the
	 * supervisor reports its own refusals.
	 */
	if (o->trap) {
		int on = PROC_TRAPCAP_CTL_ENABLE;

		if (procctl(P_PID, 0, PROC_TRAPCAP_CTL, &on) != 0)
			fail(EXIT_TOOL, "cannot ask for traps: %s", strerror(errno));
	} else if (o->trace) {
		capsicum_trap_filters(true);
	}
	check_kernel();
	grants_open(o);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		cwd[0] = '\0';
	make_room(o);
	start_supervisor();
	if (o->trace)
		trace_child_ready();
	grants_install(o);
	if (*cwd && sup_path_cwd(cwd) != 0)
		fail(EXIT_TOOL, "cannot set the working directory: %s", strerror(errno));
	if (sup_path_log(STDERR_FILENO, flags) != 0 && errno != EBADF)
		fail(EXIT_TOOL, "cannot report refusals: %s", strerror(errno));
	if (o->stdio_limit)
		limit_stdio();
	if (!o->net)
		no_network();
	if (cap_enter() != 0)
		fail(EXIT_TOOL, "cannot enter capability mode: %s", strerror(errno));
	fexecve(o->prog, o->argv, environ);
	/* Confined already: nothing left to do but say why. */
	if (errno == ENOEXEC || errno == ECAPMODE || errno == ENOTCAPABLE)
		fail(EXIT_NOEXEC,
		     "%s: cannot run in capability mode: only native ELF programs run there "
		     "(no scripts): %s",
		     o->found, strerror(errno));
	fail(EXIT_NOEXEC, "%s: %s", o->found, strerror(errno));
}
