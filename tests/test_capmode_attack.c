/*
 * Attempts to reach the global namespace from capability mode.  Every test
 * enters capability mode in its own process, then tries one family of
 * escapes; each must fail with FreeBSD's error, or with the error listed
 * in DEVIATIONS.md (tests named documented_gap_*: the kernel-only
 * configuration refuses what FreeBSD would allow).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <net/if.h>
#include <stddef.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/seccomp.h>

#include <sys/capsicum.h>

#include "harness.h"

#define ENTER()  ck_assert_int_eq(cap_enter(), 0)
#define X32_BIT  0x40000000L
#define HIGH(fd) ((long)(0x100000000L | (unsigned)(fd)))

static int dir_fd(void)
{
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);

	ck_assert_int_ge(d, 0);
	return d;
}

START_TEST(paths_from_the_root_or_cwd)
{
	struct stat sb;
	char buf[64];

	ENTER();
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
	ck_assert_fails(open("passwd", O_RDONLY), ECAPMODE);
	ck_assert_fails(syscall(SYS_open, "/etc/passwd", O_RDONLY), ECAPMODE);
	ck_assert_fails(syscall(SYS_creat, "/tmp/x", 0600), ECAPMODE);
	ck_assert_fails(openat(AT_FDCWD, "/etc/passwd", O_RDONLY), ECAPMODE);
	ck_assert_fails(syscall(SYS_stat, "/", &sb), ECAPMODE);
	ck_assert_fails(syscall(SYS_lstat, "/", &sb), ECAPMODE);
	ck_assert_fails(syscall(SYS_newfstatat, AT_FDCWD, "/", &sb, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_newfstatat, AT_FDCWD, "", &sb, AT_EMPTY_PATH), ECAPMODE);
	ck_assert_fails(syscall(SYS_newfstatat, AT_FDCWD, NULL, &sb, AT_EMPTY_PATH), ECAPMODE);
	ck_assert_fails(syscall(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, buf), ECAPMODE);
	ck_assert_fails(syscall(SYS_access, "/", F_OK), ECAPMODE);
	ck_assert_fails(syscall(SYS_faccessat, AT_FDCWD, "/", F_OK), ECAPMODE);
	ck_assert_fails(syscall(SYS_readlink, "/proc/self/exe", buf, sizeof(buf)), ECAPMODE);
	ck_assert_fails(syscall(SYS_mkdir, "/tmp/capsicum-x", 0700), ECAPMODE);
	ck_assert_fails(syscall(SYS_unlink, "/tmp/capsicum-x"), ECAPMODE);
	ck_assert_fails(syscall(SYS_rename, "/tmp/a", "/tmp/b"), ECAPMODE);
	ck_assert_fails(syscall(SYS_link, "/tmp/a", "/tmp/b"), ECAPMODE);
	ck_assert_fails(syscall(SYS_symlink, "/tmp/a", "/tmp/b"), ECAPMODE);
	ck_assert_fails(syscall(SYS_chmod, "/tmp", 0777), ECAPMODE);
	ck_assert_fails(syscall(SYS_chown, "/tmp", 0, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_truncate, "/tmp/a", 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_statfs, "/", buf), ECAPMODE);
	ck_assert_fails(syscall(SYS_getxattr, "/", "user.x", buf, sizeof(buf)), ECAPMODE);
	ck_assert_fails(syscall(SYS_utimensat, AT_FDCWD, "/tmp", NULL, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_mknodat, AT_FDCWD, "/tmp/n", S_IFIFO | 0600, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_inotify_add_watch, 0, "/", 1), ECAPMODE);
	ck_assert_fails(syscall(SYS_execve, "/bin/true", NULL, NULL), ECAPMODE);
}
END_TEST

START_TEST(current_and_root_directory)
{
	int d = dir_fd();
	char buf[256];

	ENTER();
	ck_assert_fails(syscall(SYS_getcwd, buf, sizeof(buf)), ECAPMODE);
	ck_assert_fails(chdir("/"), ECAPMODE);
	ck_assert_fails(fchdir(d), ECAPMODE);
	ck_assert_fails(syscall(SYS_chroot, "/tmp"), ECAPMODE);
	ck_assert_fails(syscall(SYS_pivot_root, "/tmp", "/tmp"), ECAPMODE);
}
END_TEST

/* AT_FDCWD hidden behind a high word is still AT_FDCWD to the kernel. */
START_TEST(at_fdcwd_with_high_word)
{
	struct stat sb;

	force_kernel_only();
	ENTER();
	ck_assert_fails(syscall(SYS_openat, HIGH(AT_FDCWD), "/etc/passwd", O_RDONLY), ECAPMODE);
	ck_assert_fails(syscall(SYS_newfstatat, HIGH(AT_FDCWD), NULL, &sb, AT_EMPTY_PATH),
	                ECAPMODE);
	/* a null path with a high word is no null path */
	ck_assert_fails(syscall(SYS_newfstatat, 0, 0x100000000L, &sb, AT_EMPTY_PATH), ECAPMODE);
	/* the probe answers only a real NULL */
	ck_assert_fails(syscall(SYS_chdir, 0x100000000L), ECAPMODE);
}
END_TEST

/* An absolute path ignores the directory descriptor: never decided on registers. */
START_TEST(absolute_path_beside_a_directory_descriptor)
{
	int d = dir_fd();
	struct stat sb;
	char buf[256];

	force_kernel_only();
	ENTER();
	ck_assert_fails(openat(d, "/etc/passwd", O_RDONLY), ECAPMODE);
	ck_assert_fails(syscall(SYS_newfstatat, d, "/etc/passwd", &sb, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_newfstatat, d, "/etc/passwd", &sb, AT_EMPTY_PATH), ECAPMODE);
	ck_assert_fails(syscall(SYS_statx, d, "/etc/passwd", AT_EMPTY_PATH, 0x7ff, buf), ECAPMODE);
	ck_assert_fails(syscall(SYS_readlinkat, d, "/proc/self/exe", buf, sizeof(buf)), ECAPMODE);
	ck_assert_fails(syscall(SYS_execveat, d, "/bin/true", NULL, NULL, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_linkat, d, "a", AT_FDCWD, "/tmp/b", 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_renameat, AT_FDCWD, "/tmp/a", d, "b"), ECAPMODE);
	ck_assert_fails(syscall(SYS_symlinkat, "/etc", AT_FDCWD, "/tmp/l"), ECAPMODE);
}
END_TEST

/* Without the supervisor, lookups beneath a directory fail closed. */
START_TEST(kernel_only_lookup_beneath_directory_fails_closed)
{
	int d = dir_fd();
	struct stat sb;

	force_kernel_only();
	ENTER();
	ck_assert_fails(openat(d, ".", O_RDONLY), ECAPMODE);
	ck_assert_fails(syscall(SYS_newfstatat, d, ".", &sb, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_mkdirat, d, "capsicum-x", 0700), ECAPMODE);
	ck_assert_fails(syscall(SYS_unlinkat, d, "capsicum-x", AT_REMOVEDIR), ECAPMODE);
	/* glibc's own fstat (not libcapsicum's) passes "": judged a lookup */
	ck_assert_fails(syscall(SYS_newfstatat, d, "", &sb, AT_EMPTY_PATH), ECAPMODE);
	/* and fdopendir, inside libc, uses it */
	errno = 0;
	ck_assert_ptr_eq(fdopendir(d), NULL);
	ck_assert_int_eq(errno, ECAPMODE);
}
END_TEST

START_TEST(network_addresses)
{
	struct sockaddr_in in = {
	    .sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "/tmp/capsicum-sock"};
	struct sockaddr_un abs = {.sun_family = AF_UNIX, .sun_path = "\0capsicum"};
	int u, t, d;

	ENTER();
	ck_assert_int_ge(u = socket(AF_INET, SOCK_DGRAM, 0), 0);
	ck_assert_int_ge(t = socket(AF_INET, SOCK_STREAM, 0), 0);
	ck_assert_int_ge(d = socket(AF_UNIX, SOCK_DGRAM, 0), 0);
	ck_assert_fails(connect(t, (void *)&in, sizeof(in)), ECAPMODE);
	ck_assert_fails(bind(t, (void *)&in, sizeof(in)), ECAPMODE);
	ck_assert_fails(sendto(u, "x", 1, 0, (void *)&in, sizeof(in)), ECAPMODE);
	ck_assert_fails(sendto(t, "x", 1, MSG_FASTOPEN, (void *)&in, sizeof(in)), ECAPMODE);
	ck_assert_fails(connect(d, (void *)&un, sizeof(un)), ECAPMODE);
	ck_assert_fails(bind(d, (void *)&abs, sizeof(abs)), ECAPMODE);
	ck_assert_fails(sendto(d, "x", 1, 0, (void *)&abs, sizeof(abs)), ECAPMODE);
	/* a destination address hidden in the high word is still one */
	ck_assert_fails(syscall(SYS_sendto, u, "x", 1L, 0L, 0x100000000L, 16L), ECAPMODE);
}
END_TEST

/* msghdr lies in memory: msg_name cannot be checked without the supervisor. */
/* A message without a destination goes; one naming a destination does not (spec 1.5). */
START_TEST(sendmsg_without_destination)
{
	struct sockaddr_un to = {.sun_family = AF_UNIX};
	int sv[2];
	char c = 'x', got[2];
	struct iovec iov = {&c, 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	struct mmsghdr mm[2] = {{.msg_hdr = m}, {.msg_hdr = m}};

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ENTER();
	ck_assert_int_eq(sendmsg(sv[0], &m, 0), 1);
	ck_assert_int_eq(sendmmsg(sv[0], mm, 2, 0), 2);
	ck_assert_uint_eq(mm[1].msg_len, 1);
	ck_assert_int_eq(recv(sv[1], got, 2, 0), 1);
	m.msg_name = &to;
	m.msg_namelen = sizeof(sa_family_t);
	mm[0].msg_hdr = m;
	ck_assert_fails(sendmsg(sv[0], &m, 0), ECAPMODE);
	ck_assert_fails(sendmmsg(sv[0], mm, 1, 0), ECAPMODE);
	ck_assert_int_eq(send(sv[0], "y", 1, 0), 1);
}
END_TEST

/* Without a supervisor nobody can look inside the message: no sendmsg at all. */
START_TEST(kernel_only_sendmsg_fails_closed)
{
	int sv[2];
	char c = 'x';
	struct iovec iov = {&c, 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	struct mmsghdr mm = {.msg_hdr = m};

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	force_kernel_only();
	ENTER();
	ck_assert_fails(sendmsg(sv[0], &m, 0), ECAPMODE);
	ck_assert_fails(sendmmsg(sv[0], &mm, 1, 0), ECAPMODE);
	ck_assert_int_eq(send(sv[0], "y", 1, 0), 1);
}
END_TEST

/*
 * The lean supervisor (started by cap_enter) serves opens from the current
 * directory only as "/proc/self/fd/N/rest" beneath descriptor N, with N's
 * rights and lookup rules, for the loader's LD_LIBRARY_PATH_FDS.  Nothing
 * else under that prefix, and no other path, names anything.
 */
START_TEST(opens_under_proc_self_fd)
{
	char dir[] = "/tmp/capsicum-pfd.XXXXXX", p[128];
	int d, ro, fd;
	cap_rights_t r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	d = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(d, 0);
	ck_assert_int_eq(mkdirat(d, "sub", 0700), 0);
	fd = openat(d, "sub/f", O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ro = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(ro, 0);
	ENTER();
	ck_assert_int_eq(cap_rights_limit(ro, cap_rights_init(&r, CAP_LOOKUP, CAP_FSTAT)), 0);
	snprintf(p, sizeof(p), "/proc/self/fd/%d/sub/f", d);
	fd = open(p, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	snprintf(p, sizeof(p), "/proc/self/fd/%d/sub/../sub/f", d);
	ck_assert_int_ge(openat(AT_FDCWD, p, O_RDONLY), 0);
	snprintf(p, sizeof(p), "/proc/self/fd/%d/../etc/passwd", d);
	ck_assert_fails(open(p, O_RDONLY), ENOTCAPABLE);
	snprintf(p, sizeof(p), "/proc/self/fd/%d//etc/passwd", d);
	ck_assert_fails(open(p, O_RDONLY), ENOTCAPABLE);
	snprintf(p, sizeof(p), "/proc/self/fd/%d/sub/f", ro); /* no CAP_READ */
	ck_assert_fails(open(p, O_RDONLY), ENOTCAPABLE);
	snprintf(p, sizeof(p), "/proc/self/fd/%d", d); /* the magic link itself */
	ck_assert_fails(open(p, O_RDONLY), ECAPMODE);
	snprintf(p, sizeof(p), "/proc/self/fd/%d/", d);
	ck_assert_fails(open(p, O_RDONLY), ECAPMODE);
	ck_assert_fails(open("/proc/self/fd/9999/x", O_RDONLY), EBADF);
	ck_assert_fails(open("/proc/self/fd/-1/x", O_RDONLY), ECAPMODE);
	ck_assert_fails(open("/proc/self/fd//x", O_RDONLY), ECAPMODE);
	snprintf(p, sizeof(p), "/proc/thread-self/fd/%d/sub/f", d);
	ck_assert_fails(open(p, O_RDONLY), ECAPMODE);
	snprintf(p, sizeof(p), "/proc/%d/fd/%d/sub/f", getpid(), d);
	ck_assert_fails(open(p, O_RDONLY), ECAPMODE);
	snprintf(p, sizeof(p), "proc/self/fd/%d/sub/f", d);
	ck_assert_fails(open(p, O_RDONLY), ECAPMODE);
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
	/* only opens: other lookups from the current directory stay refused */
	snprintf(p, sizeof(p), "/proc/self/fd/%d/sub/f", d);
	ck_assert_fails(syscall(SYS_faccessat, AT_FDCWD, p, R_OK), ECAPMODE);
	ck_assert_fails(syscall(SYS_unlinkat, AT_FDCWD, p, 0), ECAPMODE);
}
END_TEST

/*
 * A supervisor started by a limit (full) does not route opens from the
 * current directory: capability mode refuses them all in the kernel.
 */
START_TEST(full_supervisor_refuses_proc_self_fd_opens)
{
	char p[64];
	int d = open("/tmp", O_RDONLY | O_DIRECTORY), pp[2];
	cap_rights_t r;

	ck_assert_int_ge(d, 0);
	ck_assert_int_eq(pipe(pp), 0);
	ck_assert_int_eq(cap_rights_limit(pp[0], cap_rights_init(&r, CAP_READ)), 0);
	ENTER();
	snprintf(p, sizeof(p), "/proc/self/fd/%d/.", d);
	ck_assert_fails(open(p, O_RDONLY), ECAPMODE);
}
END_TEST

START_TEST(sockets_of_refused_kinds)
{
	ENTER();
	ck_assert_fails(socket(AF_NETLINK, SOCK_RAW, 0), ECAPMODE);
	ck_assert_fails(socket(AF_NETLINK, SOCK_DGRAM, 0), ECAPMODE);
	ck_assert_fails(socket(AF_PACKET, SOCK_DGRAM, 0), ECAPMODE);
	ck_assert_fails(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), ECAPMODE);
	ck_assert_fails(socket(AF_INET6, SOCK_RAW, IPPROTO_RAW), ECAPMODE);
	ck_assert_fails(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), ECAPMODE); /* ping */
	ck_assert_fails(socket(AF_INET, SOCK_PACKET, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_socket, AF_NETLINK | 0x100000000L, (long)SOCK_RAW, 0L),
	                ECAPMODE);
	ck_assert_fails(socket(AF_VSOCK, SOCK_STREAM, 0), ECAPMODE);
	ck_assert_fails(socket(AF_ALG, SOCK_SEQPACKET, 0), ECAPMODE);
}
END_TEST

static int victim(void)
{
	pid_t p = fork();

	ck_assert_int_ge(p, 0);
	if (p == 0) {
		pause();
		_exit(0);
	}
	return p;
}

/*
 * SIGIO goes to a descriptor's owner, which another process may have set
 * before capability mode: the sandbox may neither choose that owner's
 * signal (F_SETSIG: SIGKILL) nor turn SIGIO on for it (its default action
 * ends the process).  For itself it may do both.
 */
START_TEST(sigio_only_to_oneself)
{
	pid_t v = victim();
	int sv[2], st, on = 1;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[1], F_SETOWN, v), 0);
	ENTER();
	ck_assert_fails(fcntl(sv[1], F_SETSIG, SIGKILL), ECAPMODE);
	ck_assert_fails(fcntl(sv[1], F_SETFL, O_ASYNC | O_NONBLOCK), ECAPMODE);
	ck_assert_fails(ioctl(sv[1], FIOASYNC, &on), ECAPMODE);
	ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(write(sv[0], "x", 1), 1);
	ck_assert_int_eq(waitpid(v, &st, WNOHANG), 0); /* the victim lives */
	ck_assert_fails(fcntl(sv[1], F_SETOWN, v), ECAPMODE);
	ck_assert_int_eq(fcntl(sv[1], F_SETOWN, getpid()), 0);
	signal(SIGUSR1, SIG_IGN);
	ck_assert_int_eq(fcntl(sv[1], F_SETSIG, SIGUSR1), 0);
	ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_ASYNC | O_NONBLOCK), 0);
	ck_assert_int_eq(write(sv[0], "y", 1), 1);
	ck_assert_int_eq(waitpid(v, &st, WNOHANG), 0);
	kill(v, SIGKILL);
}
END_TEST

START_TEST(signals_to_other_processes)
{
	pid_t v = victim();
	int st;

	ENTER();
	ck_assert_fails(kill(v, SIGKILL), ECAPMODE);
	ck_assert_fails(kill(1, 0), ECAPMODE);
	ck_assert_fails(kill(0, SIGUSR1), ECAPMODE);
	ck_assert_fails(kill(-1, SIGUSR1), ECAPMODE);
	ck_assert_fails(syscall(SYS_tkill, v, SIGKILL), ECAPMODE);
	ck_assert_fails(syscall(SYS_tgkill, v, v, SIGKILL), ECAPMODE);
	ck_assert_fails(syscall(SYS_rt_sigqueueinfo, v, SIGKILL, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_rt_tgsigqueueinfo, v, v, SIGKILL, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_pidfd_open, v, 0), ECAPMODE);
	ck_assert_fails(fcntl(0, F_SETOWN, v), ECAPMODE);
	ck_assert_int_eq(waitpid(v, &st, WNOHANG), 0); /* still alive */
	/* the test's parent kills nothing: clean up from here is impossible by design */
}
END_TEST

/* FreeBSD lets a process signal itself; here that needs the supervisor. */
START_TEST(kernel_only_signal_to_self_fails_closed)
{
	force_kernel_only();
	ENTER();
	ck_assert_fails(kill(getpid(), 0), ECAPMODE);
	ck_assert_fails(raise(0), ECAPMODE);
}
END_TEST

START_TEST(other_processes)
{
	pid_t v = victim();
	struct iovec l = {&v, sizeof(v)}, r = {&v, sizeof(v)};
	struct rlimit rl;
	struct timespec ts;
	cpu_set_t set;

	ENTER();
	ck_assert_fails(syscall(SYS_ptrace, PTRACE_ATTACH, v, 0, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_process_vm_readv, v, &l, 1L, &r, 1L, 0L), ECAPMODE);
	ck_assert_fails(syscall(SYS_process_vm_writev, v, &l, 1L, &r, 1L, 0L), ECAPMODE);
	ck_assert_fails(syscall(SYS_kcmp, getpid(), v, 0, 0, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_pidfd_getfd, 0, 0, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_prlimit64, v, RLIMIT_NOFILE, NULL, &rl), ECAPMODE);
	ck_assert_fails(setpriority(PRIO_PROCESS, v, 10), ECAPMODE);
	ck_assert_fails(setpriority(PRIO_USER, 0, 10), ECAPMODE);
	ck_assert_fails(setpriority(PRIO_PGRP, 0, 10), ECAPMODE);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ck_assert_fails(sched_setaffinity(v, sizeof(set), &set), ECAPMODE);
	ck_assert_fails(sched_getaffinity(1, sizeof(set), &set), ENOSYS); /* see policy.c */
	/* the CPU clock of another process: clockid (~pid << 3) | 2 */
	ck_assert_fails(syscall(SYS_clock_gettime, (long)(int)((~(unsigned)v << 3) | 2), &ts),
	                ECAPMODE);
	ck_assert_fails(syscall(SYS_get_robust_list, v, NULL, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_migrate_pages, v, 1L, NULL, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_process_madvise, 0, NULL, 0L, 0L, 0L), ECAPMODE);
}
END_TEST

START_TEST(ipc_namespaces)
{
	ENTER();
	ck_assert_fails(shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600), ECAPMODE);
	ck_assert_fails(shmat(0, NULL, 0) == (void *)-1 ? -1 : 0, ECAPMODE);
	ck_assert_fails(semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), ECAPMODE);
	ck_assert_fails(msgget(IPC_PRIVATE, IPC_CREAT | 0600), ECAPMODE);
	ck_assert_fails(syscall(SYS_mq_open, "capsicum", O_RDONLY, 0, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_mq_unlink, "capsicum"), ECAPMODE);
}
END_TEST

START_TEST(namespaces_and_mounts)
{
	int st;
	pid_t p;

	ENTER();
	ck_assert_fails(unshare(CLONE_NEWUSER), ECAPMODE);
	ck_assert_fails(setns(0, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_mount, "none", "/tmp", "tmpfs", 0L, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_umount2, "/tmp", 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_fsopen, "tmpfs", 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_open_tree, AT_FDCWD, "/", 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_move_mount, 0, "", AT_FDCWD, "/tmp", 0), ECAPMODE);
	/* clone with a namespace flag, raw: the child must never run */
	p = (pid_t)syscall(SYS_clone, (long)(CLONE_NEWUSER | SIGCHLD), 0L, NULL, NULL, 0L);
	if (p == 0)
		_exit(99);
	ck_assert_int_eq(p, -1);
	ck_assert_int_eq(errno, ECAPMODE);
	p = (pid_t)syscall(SYS_clone, (long)(CLONE_NEWNET | SIGCHLD), 0L, NULL, NULL, 0L);
	if (p == 0)
		_exit(99);
	ck_assert_int_eq(p, -1);
	ck_assert_int_eq(errno, ECAPMODE);
	ck_assert_int_eq(waitpid(-1, &st, WNOHANG), -1);
}
END_TEST

START_TEST(clone_sharing_the_descriptor_table)
{
	pid_t p;

	ENTER();
	p = (pid_t)syscall(SYS_clone, (long)(CLONE_FILES | SIGCHLD), 0L, NULL, NULL, 0L);
	if (p == 0)
		_exit(99);
	ck_assert_int_eq(p, -1);
	ck_assert_int_eq(errno, ECAPMODE);
	/* clone3 keeps its flags in memory: ENOSYS, and libc falls back */
	ck_assert_fails(syscall(SYS_clone3, NULL, 0L), ENOSYS);
}
END_TEST

/* Interfaces that act outside seccomp's view, or on the whole system. */
START_TEST(kernel_interfaces)
{
	struct io_uring_params params = {0};
	unsigned long ctx = 0;

	ENTER();
	ck_assert_fails(syscall(SYS_io_uring_setup, 4, &params), ECAPMODE);
	ck_assert_fails(syscall(SYS_io_setup, 4, &ctx), ECAPMODE);
	ck_assert_fails(syscall(SYS_bpf, 0, NULL, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_userfaultfd, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_keyctl, 0, 0, 0, 0, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_add_key, "user", "x", "y", 1, -3), ECAPMODE);
	ck_assert_fails(syscall(SYS_request_key, "user", "x", NULL, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_init_module, NULL, 0, ""), ECAPMODE);
	ck_assert_fails(syscall(SYS_finit_module, 0, "", 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_reboot, 0, 0, 0, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_syslog, 3, NULL, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_fanotify_init, 0, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_open_by_handle_at, 0, NULL, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_name_to_handle_at, 0, "", NULL, NULL, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_personality, 0xffffffffL), ECAPMODE);
	ck_assert_fails(syscall(SYS_modify_ldt, 0, NULL, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_iopl, 3), ECAPMODE);
	ck_assert_fails(syscall(SYS_settimeofday, NULL, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_sethostname, "x", 1), ECAPMODE);
	ck_assert_fails(syscall(SYS_acct, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_quotactl_fd, 0, 0, 0, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_setgroups, 0, NULL), ECAPMODE);
	ck_assert_fails(syscall(SYS_setpgid, 0, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_vhangup), ECAPMODE);
	ck_assert_fails(syscall(1000), ECAPMODE); /* a number no kernel has yet */
}
END_TEST

START_TEST(prctl_and_seccomp_cannot_open_the_process)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {1, &allow};

	ENTER();
	ck_assert_fails(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), ECAPMODE);
	ck_assert_fails(prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0), ECAPMODE);
	ck_assert_fails(prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, 0, 0, 0), ECAPMODE);
	ck_assert_fails(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), ECAPMODE);
	ck_assert_fails(prctl(PR_SET_SECUREBITS, 0, 0, 0, 0), ECAPMODE);
	ck_assert_fails(
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog),
	    ECAPMODE);
	/* a listener's ADDFD in any encoding (kernel ignores direction and size) */
	ck_assert_fails(ioctl(0, SECCOMP_IOCTL_NOTIF_ADDFD, NULL), ECAPMODE);
	ck_assert_fails(ioctl(0, 0x40202103UL, NULL), ECAPMODE);
	ck_assert_fails(ioctl(0, 0xC0182103UL, NULL), ECAPMODE);
	/* filters that only restrict are fine, and cannot take the mode away */
	ck_assert_int_eq(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog), 0);
	ck_assert(cap_sandboxed());
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
}
END_TEST

/* Escape via an inherited terminal: TIOCSTI pushes input to the shell. */
START_TEST(terminal_injection)
{
	int master, slave;
	char c = 'x';

	if (openpty(&master, &slave, NULL, NULL, NULL) != 0)
		ck_abort_msg("no pty available (errno %d): cannot run this test", errno);
	ENTER();
	ck_assert_fails(ioctl(slave, TIOCSTI, &c), ECAPMODE);
	ck_assert_fails(ioctl(slave, TIOCLINUX, &c), ECAPMODE);
	ck_assert_fails(ioctl(slave, TIOCCONS), ECAPMODE);
	ck_assert_fails(ioctl(slave, TIOCSCTTY, 0), ECAPMODE);
	ck_assert_fails(syscall(SYS_ioctl, slave, 0x100000000L | TIOCSTI, &c), ECAPMODE);
	ck_assert_fails(ioctl(slave, 0xff01), ECAPMODE); /* PIDFD_GET_CGROUP_NAMESPACE */
	ck_assert_int_ge(ioctl(slave, FIONREAD, &master), 0);
}
END_TEST

START_TEST(raw_conventions)
{
	ENTER();
	/* i386 open(2) is 5, x86_64 fstat: either way not reached */
	ck_assert_int_eq(int80(5, (long)"/etc/passwd", O_RDONLY, 0), -ENOSYS);
	ck_assert_int_eq(int80(11, (long)"/bin/sh", 0, 0), -ENOSYS); /* execve */
	ck_assert_fails(syscall(X32_BIT | SYS_open, "/etc/passwd", O_RDONLY), ENOSYS);
	ck_assert_fails(syscall(X32_BIT | SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY), ENOSYS);
	ck_assert_fails(syscall(0x80000000L | SYS_open, "/etc/passwd", O_RDONLY), ENOSYS);
}
END_TEST

/* FreeBSD 14 refuses wait4 in capability mode; Linux programs need it. */
START_TEST(documented_deviation_wait_for_own_children)
{
	int st;
	pid_t p;

	ENTER();
	p = fork();
	if (p == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(p, &st, 0), p);
}
END_TEST

/* Routes to other processes found by review: SIGIO owners, peer pidfds, group signals. */
START_TEST(signal_routes_through_descriptors)
{
	int sv[2], pid = getppid(), pfd = -1, one = 1;
	socklen_t len = sizeof(pfd);

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ENTER();
	ck_assert_fails(ioctl(sv[0], FIOSETOWN, &pid), ECAPMODE);
	ck_assert_fails(ioctl(sv[0], SIOCSPGRP, &pid), ECAPMODE);
	ck_assert_fails(ioctl(sv[0], TIOCSPGRP, &pid), ECAPMODE);
	ck_assert_fails(getsockopt(sv[0], SOL_SOCKET, 77 /* SO_PEERPIDFD */, &pfd, &len), ECAPMODE);
	ck_assert_fails(setsockopt(sv[0], SOL_SOCKET, 76 /* SO_PASSPIDFD */, &one, sizeof(one)),
	                ECAPMODE);
	ck_assert_fails(syscall(SYS_pidfd_send_signal, 0, 0, NULL, 4 /* PROCESS_GROUP */),
	                ECAPMODE);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)), 0);
}
END_TEST

/* Interface and firewall configuration by name through an allowed socket. */
START_TEST(network_configuration_by_name)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	char buf[256];
	socklen_t len = sizeof(buf);
	int s, one = 1;

	ENTER();
	ck_assert_int_ge(s = socket(AF_INET, SOCK_DGRAM, 0), 0);
	ck_assert_fails(ioctl(s, SIOCGIFFLAGS, &ifr), ECAPMODE);
	ck_assert_fails(ioctl(s, SIOCSIFFLAGS, &ifr), ECAPMODE);
	ck_assert_fails(ioctl(s, SIOCSIFNAME, &ifr), ECAPMODE);
	ck_assert_fails(ioctl(s, 0x8B01 /* SIOCGIWNAME */, &ifr), ECAPMODE);
	ck_assert_fails(getsockopt(s, SOL_IP, 64 /* IPT_SO_GET_INFO */, buf, &len), ECAPMODE);
	ck_assert_fails(setsockopt(s, SOL_IP, 64 /* IPT_SO_SET_REPLACE */, buf, 16), ECAPMODE);
	ck_assert_fails(setsockopt(s, SOL_IPV6, 64, buf, 16), ECAPMODE);
	ck_assert_fails(setsockopt(s, SOL_IP, 0x480 /* IP_VS */, buf, 16), ECAPMODE);
	ck_assert_int_eq(setsockopt(s, SOL_IP, IP_TOS, &one, sizeof(one)), 0);
	ck_assert_int_eq(ioctl(s, SIOCATMARK, &one) == 0 || errno != ECAPMODE, 1);
}
END_TEST

/* A filter inherited from before can forge the mode probe; cap_enter must not trust it. */
START_TEST(forged_mode_answer_does_not_skip_enter)
{
	struct sock_filter prog[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_chdir, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1999),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = {ARRAY_LEN(prog), prog};

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog), 0);
	ck_assert(cap_sandboxed()); /* the forgery fools the query ... */
	ENTER();
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE); /* ... not cap_enter */
}
END_TEST

/*
 * Every attack runs twice: as the kernel offers it, with Landlock as the
 * outer fence, and with Landlock hidden (hide_landlock()), which must not
 * make any of them succeed: the seccomp filters are complete on their own.
 */
static Suite *make_suite(void)
{
	Suite *s = suite_create("capmode_attack");

	for (int hidden = 0; hidden < 2; hidden++) {
		TCase *ns = tcase_create(hidden ? "namespace-no-landlock" : "namespace"),
		      *proc = tcase_create(hidden ? "processes-no-landlock" : "processes"),
		      *net = tcase_create(hidden ? "network-no-landlock" : "network"),
		      *kern = tcase_create(hidden ? "kernel-no-landlock" : "kernel");

		if (hidden) {
			tcase_add_checked_fixture(ns, hide_landlock, NULL);
			tcase_add_checked_fixture(proc, hide_landlock, NULL);
			tcase_add_checked_fixture(net, hide_landlock, NULL);
			tcase_add_checked_fixture(kern, hide_landlock, NULL);
		}
		tcase_add_test(ns, paths_from_the_root_or_cwd);
		tcase_add_test(ns, current_and_root_directory);
		tcase_add_test(ns, at_fdcwd_with_high_word);
		tcase_add_test(ns, absolute_path_beside_a_directory_descriptor);
		tcase_add_test(ns, kernel_only_lookup_beneath_directory_fails_closed);
		tcase_add_test(ns, ipc_namespaces);
		tcase_add_test(ns, namespaces_and_mounts);
		tcase_add_test(net, network_addresses);
		tcase_add_test(ns, opens_under_proc_self_fd);
		tcase_add_test(ns, full_supervisor_refuses_proc_self_fd_opens);
		tcase_add_test(net, sendmsg_without_destination);
		tcase_add_test(net, kernel_only_sendmsg_fails_closed);
		tcase_add_test(net, sockets_of_refused_kinds);
		tcase_add_test(net, network_configuration_by_name);
		tcase_add_test(proc, signals_to_other_processes);
		tcase_add_test(proc, sigio_only_to_oneself);
		tcase_add_test(proc, kernel_only_signal_to_self_fails_closed);
		tcase_add_test(proc, other_processes);
		tcase_add_test(proc, clone_sharing_the_descriptor_table);
		tcase_add_test(proc, documented_deviation_wait_for_own_children);
		tcase_add_test(proc, signal_routes_through_descriptors);
		tcase_add_test(kern, kernel_interfaces);
		tcase_add_test(kern, prctl_and_seccomp_cannot_open_the_process);
		tcase_add_test(kern, terminal_injection);
		tcase_add_test(kern, raw_conventions);
		tcase_add_test(kern, forged_mode_answer_does_not_skip_enter);
		suite_add_tcase(s, ns);
		suite_add_tcase(s, net);
		suite_add_tcase(s, proc);
		suite_add_tcase(s, kern);
	}
	return s;
}

TEST_MAIN()
