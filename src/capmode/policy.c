/*
 * The capability-mode system call policy for Linux: the counterpart of the
 * calls FreeBSD marks CAPENABLED (spec 1.3, Appendix A), and the checks it
 * makes inside them (spec 1.5), as far as registers show them.
 *
 * Allowed: everything that acts only on the caller, its memory, its
 * threads and children, or descriptors it holds (their rights are the
 * rights filters' business).  Refused: everything that names an object in
 * a global namespace -- paths from the current directory or the root,
 * process IDs, network addresses, SysV and POSIX IPC names, mounts,
 * namespaces -- and the interfaces that would act outside seccomp's view
 * (io_uring, native AIO, ptrace and the other cross-process calls, bpf,
 * perf, userfaultfd, keys, module loading).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <linux/seccomp.h>

#include "../arch/arch.h"
#include "../supervisor/ctl.h"
#include "policy.h"

/* clang-format off */
/* Constants newer than the build machine's headers. */
#define PR_SET_VMA_       0x53564d41
#define PR_GET_AUXV_      0x41555856
#define PR_SET_MDWE_      65
#define PR_GET_MDWE_      66
#define NS_GET_USERNS_    0xb701
#define NS_GET_PARENT_    0xb702
#define IPPROTO_MPTCP_    262
#define IOPRIO_WHO_PROCESS_ 1
#define SIOCGSTAMP_OLD_     0x8906
#define SIOCGSTAMPNS_OLD_   0x8907
#define SO_PASSPIDFD_       76
#define SO_PEERPIDFD_       77
#define PIDFD_SIGNAL_PROCESS_GROUP_ 4
#define NF_BASE_CTL_        64 /* netfilter's socket options start here */
#define CLOCK_SELF_MIN    0xfffffff8u /* CPU clocks of pid/tid 0: the caller */
#define CLOCK_STATIC_END  16u         /* CLOCK_REALTIME .. CLOCK_TAI and spares */

#define CLONE_NAMESPACES                                                                           \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |             \
	 CLONE_NEWPID | CLONE_NEWNET)

#define R(call, test, arg, act, mask, ...)                                                         \
	{                                                                                          \
		NR_##call, test, arg, act, sizeof((uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t),   \
			mask, {__VA_ARGS__}                                                        \
	}
#define ALLOW(call)        {NR_##call, CT_ALWAYS, 0, CM_ALLOW, 0, 0, {0}}
#define ROUTE_AS(call, kind) {NR_##call, CT_ALWAYS, 0, CM_ROUTE, 0, 0, {0}, kind}
#define ROUTE(call)        ROUTE_AS(call, RK_LOOKUP)
#define ALLOW_IF(call, test, arg, ...) R(call, test, arg, CM_ALLOW, 0, __VA_ARGS__)
#define DENY_IF(call, test, arg, ...)  R(call, test, arg, CM_DENY, 0, __VA_ARGS__)
/* The current directory is a global name: AT_FDCWD is refused outright. */
#define NO_CWD(call, arg)  DENY_IF(call, CT_EQ, arg, (uint32_t)AT_FDCWD)
/*
 * A name from the current directory: an open is served under
 * /proc/self/fd/N/ where the listener routes it (the lean and paths
 * ones), any name through capsicum(1)'s path table where the paths one
 * routes it; ECAPMODE otherwise.
 */
#define CWD_AS(call, arg, kind)                                                                    \
	{NR_##call, CT_EQ, arg, CM_ROUTE, 1, 0, {(uint32_t)AT_FDCWD}, kind}
#define FROM_CWD(call) CWD_AS(call, 0, RK_CWD)
#define NAMED(call, arg) CWD_AS(call, arg, RK_PATHS)
/* A lookup beneath a directory descriptor (spec 2.10). */
#define LOOKUP(call, arg)  NAMED(call, arg), ROUTE(call)

const struct cm_rule cm_rules[] = {
	/* Descriptors the process holds. */
	ALLOW(read), ALLOW(write), ALLOW(pread64), ALLOW(pwrite64), ALLOW(readv),
	ALLOW(writev), ALLOW(preadv), ALLOW(pwritev), ALLOW(preadv2), ALLOW(pwritev2),
	ALLOW(lseek), ALLOW(close), ALLOW(close_range), ALLOW(dup), ALLOW(dup2), ALLOW(dup3),
	ALLOW(fstat), ALLOW(fstatfs), ALLOW(ftruncate), ALLOW(fallocate), ALLOW(fsync),
	ALLOW(fdatasync), ALLOW(sync_file_range), ALLOW(syncfs), ALLOW(sync), ALLOW(flock),
	ALLOW(fadvise64), ALLOW(readahead), ALLOW(getdents), ALLOW(getdents64),
	ALLOW(fchmod), ALLOW(fchown), ALLOW(fgetxattr), ALLOW(fsetxattr), ALLOW(flistxattr),
	ALLOW(fremovexattr), ALLOW(sendfile), ALLOW(copy_file_range), ALLOW(splice),
	ALLOW(tee), ALLOW(vmsplice), ALLOW(cachestat),
	/*
	 * F_SETOWN names a process or group to receive SIGIO: the caller's
	 * own process only, which the supervisor checks (a process
	 * descriptor's child arms itself so, pdfork.c).  F_SETOWN_EX keeps
	 * its target in memory.
	 */
	{NR_fcntl, CT_EQ, 1, CM_ROUTE, 1, 0, {F_SETOWN}, RK_SIGNAL},
	/*
	 * The signal sent to the owner, and turning SIGIO on (its default
	 * action ends a process): only where the owner is the caller or no
	 * one, which the supervisor checks.
	 */
	{NR_fcntl, CT_EQ, 1, CM_ROUTE, 1, 0, {F_SETSIG}, RK_SIGNAL},
	{NR_fcntl, CT_EQ_THEN_BITS, 1, CM_ROUTE, 2, 0, {F_SETFL, O_ASYNC}, RK_SIGNAL},
	DENY_IF(fcntl, CT_EQ, 1, F_SETOWN_EX), ALLOW(fcntl),
	/* Terminal input injection, console redirection, line disciplines,
	 * namespace descriptors, seccomp's descriptor injection. */
	DENY_IF(ioctl, CT_IN, 1, TIOCSTI, TIOCLINUX, TIOCCONS, TIOCSETD, TIOCSCTTY,
	        NS_GET_USERNS_, NS_GET_PARENT_),
	/*
	 * SIGIO owners and a terminal's foreground group are other processes;
	 * FIOASYNC turns SIGIO on for whoever owns the file (fcntl's F_SETFL
	 * is checked instead).
	 */
	DENY_IF(ioctl, CT_IN, 1, FIOSETOWN, SIOCSPGRP, TIOCSPGRP, TIOCSIG, FIOASYNC),
	/*
	 * Socket ioctls 0x89xx reach the network configuration by interface
	 * name (and 0x8bxx wireless); only the per-socket queries stay.
	 */
	ALLOW_IF(ioctl, CT_IN, 1, SIOCATMARK, SIOCGSTAMP_OLD_, SIOCGSTAMPNS_OLD_),
	R(ioctl, CT_IN, 1, CM_DENY, 0xffffff00u, 0x8900, 0x8b00),
	/* ADDFD accepts any argument size: match type and number only. */
	R(ioctl, CT_EQ, 1, CM_DENY, 0xffffu, (uint32_t)SECCOMP_IOCTL_NOTIF_ADDFD & 0xffffu),
	/* PIDFD_GET_*_NAMESPACE: _IO(0xff, 1..10) */
	R(ioctl, CT_IN, 1, CM_DENY, 0xfffffff0u, 0xff00), ALLOW(ioctl),

	/*
	 * fstat(2) is newfstatat(fd, "", sb, AT_EMPTY_PATH) in the C library;
	 * the path is in memory.  A null path (Linux 6.11) means the same and
	 * is judged on registers; libcapsicum's fstat() uses fstat(2) itself.
	 */
	NAMED(newfstatat, 0), ALLOW_IF(newfstatat, CT_PTR_NULL, 1, 0), ROUTE(newfstatat),
	NAMED(statx, 0), ALLOW_IF(statx, CT_PTR_NULL, 1, 0), ROUTE(statx),
	NAMED(utimensat, 0), ALLOW_IF(utimensat, CT_PTR_NULL, 1, 0), ROUTE(utimensat),
	NAMED(futimesat, 0), ALLOW_IF(futimesat, CT_PTR_NULL, 1, 0), ROUTE(futimesat),

	/* Lookups beneath a directory descriptor. */
	FROM_CWD(openat), ROUTE(openat), FROM_CWD(openat2), ROUTE(openat2), LOOKUP(faccessat, 0), LOOKUP(faccessat2, 0),
	LOOKUP(fchmodat, 0), LOOKUP(fchmodat2, 0), LOOKUP(fchownat, 0),
	LOOKUP(mkdirat, 0), LOOKUP(mknodat, 0), LOOKUP(readlinkat, 0), LOOKUP(unlinkat, 0),
	LOOKUP(symlinkat, 1), LOOKUP(getxattrat, 0), LOOKUP(setxattrat, 0),
	LOOKUP(listxattrat, 0), LOOKUP(removexattrat, 0), LOOKUP(file_getattr, 0),
	LOOKUP(file_setattr, 0),
	NAMED(linkat, 0), LOOKUP(linkat, 2),
	NAMED(renameat, 0), LOOKUP(renameat, 2),
	NAMED(renameat2, 0), LOOKUP(renameat2, 2),

	/* The old path calls: capsicum(1)'s path table only (paths.h). */
	ROUTE_AS(open, RK_PATHS), ROUTE_AS(creat, RK_PATHS), ROUTE_AS(stat, RK_PATHS),
	ROUTE_AS(lstat, RK_PATHS), ROUTE_AS(access, RK_PATHS), ROUTE_AS(readlink, RK_PATHS),
	ROUTE_AS(mkdir, RK_PATHS), ROUTE_AS(mknod, RK_PATHS), ROUTE_AS(rmdir, RK_PATHS),
	ROUTE_AS(unlink, RK_PATHS), ROUTE_AS(rename, RK_PATHS), ROUTE_AS(link, RK_PATHS),
	ROUTE_AS(symlink, RK_PATHS), ROUTE_AS(chmod, RK_PATHS), ROUTE_AS(chown, RK_PATHS),
	ROUTE_AS(lchown, RK_PATHS), ROUTE_AS(utimes, RK_PATHS), ROUTE_AS(getcwd, RK_PATHS),
	ROUTE_AS(getxattr, RK_PATHS), ROUTE_AS(lgetxattr, RK_PATHS), ROUTE_AS(listxattr, RK_PATHS),
	ROUTE_AS(llistxattr, RK_PATHS),
	/* Internet addresses: capsicum --net (supervisor/net.c); ECAPMODE otherwise. */
	ROUTE_AS(connect, RK_PATHS), ROUTE_AS(bind, RK_PATHS),
	/* A program by name: always refused, capsicum(1)'s supervisor says so. */
	ROUTE_AS(execve, RK_PATHS),

	/* uring.c's probe of descriptors: refused, never trapped. */
	{NR_io_uring_register, CT_ALWAYS, 0, CM_QUIET, 0, 0, {0}},

	/* The cap_getmode() probe; chdir is refused otherwise. */
	R(chdir, CT_PTR_NULL, 0, CM_QUERY, 0, 0),

	/* Memory. */
	ALLOW(brk), ALLOW(mmap), ALLOW(munmap), ALLOW(mprotect), ALLOW(mremap),
	ALLOW(madvise), ALLOW(msync), ALLOW(mincore), ALLOW(mlock), ALLOW(mlock2),
	ALLOW(munlock), ALLOW(mlockall), ALLOW(munlockall), ALLOW(membarrier),
	ALLOW(pkey_mprotect), ALLOW(pkey_alloc), ALLOW(pkey_free), ALLOW(mseal),
	ALLOW(map_shadow_stack), ALLOW(mbind), ALLOW(set_mempolicy), ALLOW(get_mempolicy),
	ALLOW(set_mempolicy_home_node), ALLOW(memfd_create), ALLOW(memfd_secret),
	ALLOW(shmdt),

	/* Threads, children and the caller itself. */
	/* fexecve: execveat(fd, "", ..., AT_EMPTY_PATH), the path checked by the supervisor. */
	NO_CWD(execveat, 0), ROUTE_AS(execveat, RK_EXEC),
	ALLOW(exit), ALLOW(exit_group), ALLOW(fork), ALLOW(vfork), ALLOW(wait4),
	ALLOW(waitid), ALLOW(set_tid_address), ALLOW(set_robust_list), ALLOW(rseq),
	ALLOW(futex), ALLOW(futex_waitv), ALLOW(futex_wake), ALLOW(futex_wait),
	ALLOW(futex_requeue), ALLOW(arch_prctl), ALLOW(sched_yield), ALLOW(getcpu),
	ALLOW(restart_syscall), ALLOW(uretprobe),
	/*
	 * clone: no new namespaces, and no descriptor table shared with
	 * anything but a thread (rights could not follow it, base.c).  clone3
	 * keeps its flags in memory.
	 */
	DENY_IF(clone, CT_ANY_BITS, 0, CLONE_NAMESPACES),
	R(clone, CT_EQ, 0, CM_DENY, CLONE_FILES | CLONE_THREAD, CLONE_FILES),
	ALLOW(clone),
	{NR_clone3, CT_ALWAYS, 0, CM_ENOSYS, 0, 0, {0}},

	/* Identity: reading it, and changing it within the caller's privilege. */
	ALLOW(getpid), ALLOW(getppid), ALLOW(gettid), ALLOW(getuid), ALLOW(geteuid),
	ALLOW(getgid), ALLOW(getegid), ALLOW(getresuid), ALLOW(getresgid), ALLOW(getgroups),
	ALLOW(getpgrp), ALLOW(getpgid), ALLOW(getsid), ALLOW(setsid), ALLOW(setuid),
	ALLOW(setgid), ALLOW(setreuid), ALLOW(setregid), ALLOW(setresuid), ALLOW(setresgid),
	ALLOW(setfsuid), ALLOW(setfsgid), ALLOW(capget), ALLOW(capset), ALLOW(umask),
	ALLOW(uname), ALLOW(sysinfo), ALLOW(getrandom), ALLOW(lsm_get_self_attr),
	ALLOW(lsm_list_modules),

	/*
	 * Resources and scheduling, of the caller only (pid 0).  The hard
	 * RLIMIT_RTTIME marks capability mode for the supervisor (ctl.h):
	 * nobody may change it, not even root.
	 */
	DENY_IF(setrlimit, CT_EQ, 0, RLIMIT_RTTIME), ALLOW(setrlimit),
	DENY_IF(prlimit64, CT_NE, 0, 0), ALLOW_IF(prlimit64, CT_PTR_NULL, 2, 0),
	DENY_IF(prlimit64, CT_EQ, 1, RLIMIT_RTTIME), ALLOW(prlimit64),
	ALLOW(getrlimit),
	ALLOW(getrusage), ALLOW(times),
	DENY_IF(getpriority, CT_NE, 0, PRIO_PROCESS), ALLOW_IF(getpriority, CT_EQ, 1, 0),
	DENY_IF(setpriority, CT_NE, 0, PRIO_PROCESS), ALLOW_IF(setpriority, CT_EQ, 1, 0),
	DENY_IF(ioprio_get, CT_NE, 0, IOPRIO_WHO_PROCESS_), ALLOW_IF(ioprio_get, CT_EQ, 1, 0),
	DENY_IF(ioprio_set, CT_NE, 0, IOPRIO_WHO_PROCESS_), ALLOW_IF(ioprio_set, CT_EQ, 1, 0),
	ALLOW_IF(sched_setaffinity, CT_EQ, 0, 0),
	/*
	 * pthread_getattr_np() asks for its thread's CPU set by thread ID,
	 * which a filter cannot tell from another process's; glibc takes
	 * ENOSYS to mean "no CPU set" and succeeds (sanitizers need that).
	 */
	ALLOW_IF(sched_getaffinity, CT_EQ, 0, 0),
	{NR_sched_getaffinity, CT_ALWAYS, 0, CM_ENOSYS, 0, 0, {0}},
	ALLOW_IF(sched_setparam, CT_EQ, 0, 0), ALLOW_IF(sched_getparam, CT_EQ, 0, 0),
	ALLOW_IF(sched_setscheduler, CT_EQ, 0, 0), ALLOW_IF(sched_getscheduler, CT_EQ, 0, 0),
	ALLOW_IF(sched_setattr, CT_EQ, 0, 0), ALLOW_IF(sched_getattr, CT_EQ, 0, 0),
	ALLOW_IF(sched_rr_get_interval, CT_EQ, 0, 0),
	ALLOW(sched_get_priority_max), ALLOW(sched_get_priority_min),

	/* The library's requests to its supervisor (supervisor/ctl.h). */
	{NR_prctl, CT_EQ, 0, CM_ROUTE, 1, 0, {CTL_PRCTL}, RK_CTL},
	/* prctl: options that concern only the caller and cannot widen it. */
	ALLOW_IF(prctl, CT_IN, 0, PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, PR_GET_DUMPABLE,
	         PR_GET_KEEPCAPS, PR_SET_NAME, PR_GET_NAME, PR_GET_SECCOMP, PR_SET_SECCOMP),
	ALLOW_IF(prctl, CT_IN, 0, PR_CAPBSET_READ, PR_GET_TIMERSLACK, PR_SET_TIMERSLACK,
	         PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS, PR_GET_TID_ADDRESS,
	         PR_SET_THP_DISABLE, PR_GET_THP_DISABLE),
	ALLOW_IF(prctl, CT_IN, 0, PR_GET_SPECULATION_CTRL, PR_SET_SPECULATION_CTRL,
	         PR_CAP_AMBIENT, PR_SET_VMA_, PR_GET_AUXV_, PR_SET_MDWE_, PR_GET_MDWE_,
	         PR_GET_CHILD_SUBREAPER),
	/* seccomp: more filters only restrict; a listener could inject descriptors. */
	DENY_IF(seccomp, CT_ANY_BITS, 1, SECCOMP_FILTER_FLAG_NEW_LISTENER), ALLOW(seccomp),
	ALLOW(landlock_create_ruleset), ALLOW(landlock_add_rule), ALLOW(landlock_restrict_self),

	/* Signals.  Sending one needs its target checked: only the caller's own process. */
	ALLOW(rt_sigaction), ALLOW(rt_sigprocmask), ALLOW(rt_sigreturn), ALLOW(rt_sigpending),
	ALLOW(rt_sigsuspend), ALLOW(rt_sigtimedwait), ALLOW(sigaltstack), ALLOW(pause),
	ALLOW(signalfd), ALLOW(signalfd4),
	DENY_IF(pidfd_send_signal, CT_ANY_BITS, 3, PIDFD_SIGNAL_PROCESS_GROUP_),
	ALLOW(pidfd_send_signal),
	ROUTE_AS(kill, RK_SIGNAL), ROUTE_AS(tkill, RK_SIGNAL), ROUTE_AS(tgkill, RK_SIGNAL),
	ROUTE_AS(rt_sigqueueinfo, RK_SIGNAL), ROUTE_AS(rt_tgsigqueueinfo, RK_SIGNAL),

	/* Time: global clocks to read, and the caller's own CPU clocks. */
	ALLOW(gettimeofday), ALLOW(time), ALLOW(nanosleep), ALLOW(getitimer), ALLOW(setitimer),
	ALLOW(alarm), ALLOW(timer_settime), ALLOW(timer_gettime), ALLOW(timer_getoverrun),
	ALLOW(timer_delete), ALLOW(timerfd_create), ALLOW(timerfd_settime),
	ALLOW(timerfd_gettime),
	ALLOW_IF(clock_gettime, CT_LT, 0, CLOCK_STATIC_END),
	ALLOW_IF(clock_gettime, CT_GE, 0, CLOCK_SELF_MIN),
	ALLOW_IF(clock_getres, CT_LT, 0, CLOCK_STATIC_END),
	ALLOW_IF(clock_getres, CT_GE, 0, CLOCK_SELF_MIN),
	ALLOW_IF(clock_nanosleep, CT_LT, 0, CLOCK_STATIC_END),
	ALLOW_IF(clock_nanosleep, CT_GE, 0, CLOCK_SELF_MIN),
	ALLOW_IF(timer_create, CT_LT, 0, CLOCK_STATIC_END),
	ALLOW_IF(timer_create, CT_GE, 0, CLOCK_SELF_MIN),

	/* Events and pipes. */
	ALLOW(pipe), ALLOW(pipe2), ALLOW(eventfd), ALLOW(eventfd2), ALLOW(poll), ALLOW(ppoll),
	ALLOW(select), ALLOW(pselect6), ALLOW(epoll_create), ALLOW(epoll_create1),
	ALLOW(epoll_ctl), ALLOW(epoll_wait), ALLOW(epoll_pwait), ALLOW(epoll_pwait2),
	ALLOW(inotify_init), ALLOW(inotify_init1), ALLOW(inotify_rm_watch),
	ALLOW(mq_timedsend), ALLOW(mq_timedreceive), ALLOW(mq_notify), ALLOW(mq_getsetattr),

	/*
	 * Sockets: local and TCP/UDP/SCTP ones only (no raw, packet, netlink,
	 * ICMP); no bind or connect; no explicit destination (spec 1.5).
	 */
	DENY_IF(socket, CT_NOT_IN, 0, AF_UNIX, AF_INET, AF_INET6),
	R(socket, CT_NOT_IN, 1, CM_DENY, 0xf, SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET),
	ALLOW_IF(socket, CT_IN, 2, 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_UDPLITE,
	         IPPROTO_MPTCP_),
	ALLOW(socketpair), ALLOW(accept), ALLOW(accept4), ALLOW(listen), ALLOW(shutdown),
	ALLOW(getsockname), ALLOW(getpeername),
	/*
	 * Socket options: no pidfd of the peer (a process descriptor nobody
	 * gave us), and no netfilter (IPv4/IPv6 options from 64 up configure
	 * the firewall by table name).
	 */
	DENY_IF(getsockopt, CT_IN, 2, SO_PASSPIDFD_, SO_PEERPIDFD_),
	ALLOW_IF(getsockopt, CT_NOT_IN, 1, SOL_IP, SOL_IPV6),
	ALLOW_IF(getsockopt, CT_LT, 2, NF_BASE_CTL_),
	DENY_IF(setsockopt, CT_IN, 2, SO_PASSPIDFD_, SO_PEERPIDFD_),
	ALLOW_IF(setsockopt, CT_NOT_IN, 1, SOL_IP, SOL_IPV6),
	ALLOW_IF(setsockopt, CT_LT, 2, NF_BASE_CTL_),
	ALLOW(recvfrom), ALLOW(recvmsg), ALLOW(recvmmsg),
	ALLOW_IF(sendto, CT_PTR_NULL, 4, 0),
	ROUTE_AS(sendmsg, RK_SEND), ROUTE_AS(sendmmsg, RK_SEND),
};
/* clang-format on */

const unsigned cm_rules_count = ARRAY_SIZE(cm_rules);
