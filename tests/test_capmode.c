/*
 * Capability mode: the API, what stays allowed, and inheritance.
 * Escape attempts are in test_capmode_attack.c.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/seccomp.h>

#include <sys/capsicum.h>

#include "harness.h"

#define ENTER() ck_assert_int_eq(cap_enter(), 0)

static unsigned mode(void)
{
	unsigned m = 7;

	ck_assert_int_eq(cap_getmode(&m), 0);
	return m;
}

/* Runs fn in a child; returns its exit status (fn's return value). */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t p = fork();

	ck_assert_int_ge(p, 0);
	if (p == 0)
		_exit(fn());
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

START_TEST(getmode_before_and_after)
{
	ck_assert_uint_eq(mode(), 0);
	ck_assert(!cap_sandboxed());
	ENTER();
	ck_assert_uint_eq(mode(), 1);
	ck_assert(cap_sandboxed());
}
END_TEST

START_TEST(getmode_null_is_efault)
{
	ck_assert_fails(cap_getmode(NULL), EFAULT);
	ENTER();
	ck_assert_fails(cap_getmode(NULL), EFAULT);
}
END_TEST

START_TEST(enter_twice_is_a_noop)
{
	int before, after;

	ENTER();
	before = (int)syscall(SYS_getpid);
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_enter(), 0);
	after = (int)syscall(SYS_getpid);
	ck_assert_int_eq(before, after);
	ck_assert(cap_sandboxed());
}
END_TEST

START_TEST(enter_keeps_errno)
{
	errno = 4242;
	ENTER();
	ck_assert_int_eq(errno, 4242);
}
END_TEST

static int child_reports_mode(void)
{
	return cap_sandboxed() && open("/etc/passwd", O_RDONLY) == -1 && errno == ECAPMODE ? 0 : 1;
}

START_TEST(children_inherit_the_mode)
{
	ENTER();
	ck_assert_int_eq(in_child(child_reports_mode), 0);
}
END_TEST

START_TEST(vfork_child_is_confined)
{
	int st;
	pid_t p;

	ENTER();
	p = vfork();
	if (p == 0)
		_exit(syscall(SYS_open, "/etc/passwd", O_RDONLY) == -1 && errno == ECAPMODE ? 0
		                                                                            : 1);
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(child_forked_before_is_not_confined)
{
	int go[2], st;
	pid_t p;
	char c;

	ck_assert_int_eq(pipe(go), 0);
	p = fork();
	ck_assert_int_ge(p, 0);
	if (p == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(!cap_sandboxed() && open("/etc/passwd", O_RDONLY) >= 0 ? 0 : 1);
	}
	ENTER();
	ck_assert_int_eq(write(go[1], "x", 1), 1);
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

/* Threads: those running before cap_enter, blocked in a call, and later ones. */
struct waiter {
	int fd;
	int result, err;
};

static void *blocked_then_open(void *arg)
{
	struct waiter *w = arg;
	char c;

	if (read(w->fd, &c, 1) != 1)
		return NULL;
	w->result = open("/etc/passwd", O_RDONLY);
	w->err = errno;
	return NULL;
}

START_TEST(threads_running_before_are_confined)
{
	struct waiter w = {.result = 99};
	pthread_t t;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	w.fd = p[0];
	ck_assert_int_eq(pthread_create(&t, NULL, blocked_then_open, &w), 0);
	usleep(20000); /* let it block in read */
	ENTER();
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(w.result, -1);
	ck_assert_int_eq(w.err, ECAPMODE);
}
END_TEST

static void *open_now(void *arg)
{
	struct waiter *w = arg;

	w->result = open("/etc/passwd", O_RDONLY);
	w->err = errno;
	return NULL;
}

START_TEST(threads_created_after_are_confined)
{
	struct waiter w = {.result = 99};
	pthread_attr_t attr;
	pthread_t t;

	ENTER();
	/* glibc asks for a thread's CPU set by its ID: must not fail */
	ck_assert_int_eq(pthread_getattr_np(pthread_self(), &attr) == 0 || errno == ECAPMODE, 1);
	ck_assert_int_eq(pthread_create(&t, NULL, open_now, &w), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(w.result, -1);
	ck_assert_int_eq(w.err, ECAPMODE);
}
END_TEST

static void *enter_from_thread(void *arg)
{
	*(int *)arg = cap_enter();
	return NULL;
}

START_TEST(enter_from_a_thread_confines_the_process)
{
	pthread_t t;
	int r = -2;

	ck_assert_int_eq(pthread_create(&t, NULL, enter_from_thread, &r), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(r, 0);
	ck_assert(cap_sandboxed());
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
}
END_TEST

/* Privilege-separated daemons drop these limits just before entering. */
START_TEST(enter_with_no_files_and_no_processes_left)
{
	struct rlimit zero = {0, 0};

	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &zero), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_NPROC, &zero), 0);
	ENTER();
	ck_assert(cap_sandboxed());
	ck_assert_fails(open("/etc/passwd", O_RDONLY), ECAPMODE);
	ck_assert_fails(syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY), ECAPMODE);
}
END_TEST

START_TEST(io_uring_ring_blocks_enter_and_confines_nothing)
{
	struct io_uring_params params = {0};
	int ring = (int)syscall(SYS_io_uring_setup, 4, &params);

	if (ring < 0 && (errno == ENOSYS || errno == EPERM))
		ck_abort_msg("io_uring unavailable (errno %d): cannot run this test", errno);
	ck_assert_int_ge(ring, 0);
	ck_assert_fails(cap_enter(), EBUSY);
	ck_assert(!cap_sandboxed());
	ck_assert_int_eq(close(ring), 0);
	ENTER();
	ck_assert(cap_sandboxed());
}
END_TEST

/* A thread with a filter of its own cannot be synchronised: nothing changes. */
static void *own_filter(void *arg)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {1, &allow};
	int *done = arg;

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	__atomic_store_n(done,
	                 syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0 ? 1 : -1,
	                 __ATOMIC_SEQ_CST);
	pause();
	return NULL;
}

START_TEST(unsynchronisable_thread_fails_enter_cleanly)
{
	pthread_t t;
	int done = 0;

	ck_assert_int_eq(pthread_create(&t, NULL, own_filter, &done), 0);
	/* wait for the filter itself, not for a guess at the scheduler */
	while (__atomic_load_n(&done, __ATOMIC_SEQ_CST) == 0)
		sched_yield();
	ck_assert_int_eq(done, 1);
	ck_assert_fails(cap_enter(), EBUSY);
	ck_assert(!cap_sandboxed());
	ck_assert_int_ge(open("/etc/passwd", O_RDONLY), 0);
}
END_TEST

/* What a confined process can still do. */
START_TEST(descriptor_io_works)
{
	int p[2], sv[2], fd = tmpfile_fd(8);
	char buf[8];
	struct iovec iov = {buf, 2};

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ENTER();
	ck_assert_int_eq(read(fd, buf, 2), 2);
	ck_assert_int_eq(pread(fd, buf, 2, 0), 2);
	ck_assert_int_eq(readv(fd, &iov, 1), 2);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(write(fd, "ab", 2), 2);
	ck_assert_int_eq(ftruncate(fd, 4), 0);
	ck_assert_int_eq(fsync(fd), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(read(p[0], buf, 1), 1);
	ck_assert_int_eq(send(sv[0], "y", 1, 0), 1);
	ck_assert_int_eq(sendto(sv[0], "z", 1, 0, NULL, 0), 1);
	ck_assert_int_eq(recv(sv[1], buf, 2, 0), 2);
	ck_assert_int_ge(dup(fd), 0);
	ck_assert_int_eq(dup2(fd, 100), 100);
	ck_assert_int_eq(close(100), 0);
	ck_assert_int_ge(fcntl(fd, F_GETFL), 0);
}
END_TEST

START_TEST(fstat_works)
{
	int fd = tmpfile_fd(5);
	struct stat sb;

	ENTER();
	ck_assert_int_eq(fstat(fd, &sb), 0);
	ck_assert_int_eq(sb.st_size, 5);
	ck_assert_int_eq(fstatat(fd, "", &sb, AT_EMPTY_PATH), 0);
	ck_assert_int_eq(syscall(SYS_fstat, fd, &sb), 0);
	ck_assert_int_eq(futimens(fd, NULL), 0); /* utimensat(fd, NULL, ...) */
}
END_TEST

/* Linux 6.11 lets newfstatat and statx take a null path; older kernels say EFAULT. */
START_TEST(null_path_stat_is_fstat)
{
	int fd = tmpfile_fd(3);
	struct stat sb;
	long r;

	ENTER();
	r = syscall(SYS_newfstatat, fd, NULL, &sb, AT_EMPTY_PATH);
	ck_assert_msg(r == 0 || errno == EFAULT, "errno %d", errno);
	if (r == 0)
		ck_assert_int_eq(sb.st_size, 3);
}
END_TEST

START_TEST(memory_and_events_work)
{
	int ep, ev, tfd, mfd;
	struct epoll_event e = {.events = EPOLLIN};
	struct pollfd pfd;
	void *m;
	char rnd[8];

	ENTER();
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	ck_assert_int_eq(mprotect(m, 4096, PROT_READ), 0);
	ck_assert_int_eq(madvise(m, 8192, MADV_DONTNEED), 0);
	ck_assert_int_eq(munmap(m, 8192), 0);
	ck_assert_ptr_ne(malloc(1 << 20), NULL);
	ck_assert_int_ge(ev = eventfd(0, 0), 0);
	ck_assert_int_ge(ep = epoll_create1(0), 0);
	e.data.fd = ev;
	ck_assert_int_eq(epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e), 0);
	ck_assert_int_eq(eventfd_write(ev, 1), 0);
	ck_assert_int_eq(epoll_wait(ep, &e, 1, 0), 1);
	pfd = (struct pollfd){ev, POLLIN, 0};
	ck_assert_int_eq(poll(&pfd, 1, 0), 1);
	ck_assert_int_ge(tfd = timerfd_create(CLOCK_MONOTONIC, 0), 0);
	ck_assert_int_ge(mfd = memfd_create("x", MFD_CLOEXEC), 0);
	ck_assert_int_eq(ftruncate(mfd, 4096), 0);
	ck_assert_int_eq(getrandom(rnd, sizeof(rnd), 0), (long)sizeof(rnd));
}
END_TEST

START_TEST(process_calls_work)
{
	struct timespec ts;
	struct rlimit rl;
	sigset_t set;
	int st;
	pid_t p;

	ENTER();
	ck_assert_int_gt(getpid(), 0);
	ck_assert_int_gt(getppid(), 0);
	ck_assert_int_ge((int)getuid(), 0);
	ck_assert_int_eq(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts), 0);
	ck_assert_int_eq(syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &ts), 0);
	ck_assert_int_eq(syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, &ts), 0);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_int_eq(prlimit(0, RLIMIT_NOFILE, NULL, &rl), 0);
	ck_assert_int_eq(setpriority(PRIO_PROCESS, 0, 1), 0);
	ck_assert_int_eq(prctl(PR_SET_NAME, "capmode", 0, 0, 0), 0);
	ck_assert_int_eq(sigemptyset(&set), 0);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	ck_assert_int_eq(signal(SIGUSR1, SIG_IGN) == SIG_ERR, 0);
	ck_assert_int_eq(nanosleep(&(struct timespec){0, 1000}, NULL), 0);
	p = fork();
	if (p == 0)
		_exit(3);
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert_int_eq(WEXITSTATUS(st), 3);
}
END_TEST

START_TEST(sockets_of_the_allowed_kinds)
{
	int sv[2];

	ENTER();
	ck_assert_int_ge(socket(AF_UNIX, SOCK_STREAM, 0), 0);
	ck_assert_int_ge(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), 0);
	ck_assert_int_ge(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), 0);
	ck_assert_int_ge(socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
}
END_TEST

/* Rights keep working, and keep shrinking, inside capability mode. */
START_TEST(rights_limits_work_in_capability_mode)
{
	int fd = tmpfile_fd(4);
	cap_rights_t r;
	char c;

	ENTER();
	ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_READ)), 0);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	ck_assert_fails(write(fd, "x", 1), ENOTCAPABLE);
	ck_assert_int_eq(cap_rights_get(fd, &r), 0);
	ck_assert(cap_rights_is_set(&r, CAP_READ));
	ck_assert(!cap_rights_is_set(&r, CAP_WRITE));
	ck_assert_fails(cap_rights_limit(fd, cap_rights_init(&r, CAP_READ, CAP_WRITE)),
	                ENOTCAPABLE);
}
END_TEST

START_TEST(limits_set_before_enter_still_hold)
{
	int fd = tmpfile_fd(4);
	cap_rights_t r;

	ck_assert_int_eq(cap_rights_limit(fd, cap_rights_init(&r, CAP_WRITE)), 0);
	ENTER();
	ck_assert_fails(lseek(fd, 0, SEEK_SET), ENOTCAPABLE);
	ck_assert_int_eq(write(fd, "x", 1), 1);
}
END_TEST

/* stdio keeps working: its fstat from inside libc may fail, it copes. */
START_TEST(stdio_works)
{
	int p[2];
	FILE *f;
	char buf[16] = {0};

	ck_assert_int_eq(pipe(p), 0);
	ENTER();
	f = fdopen(p[1], "w");
	ck_assert_ptr_ne(f, NULL);
	ck_assert_int_eq(fprintf(f, "hello %d", 42), 8);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 8);
	ck_assert_str_eq(buf, "hello 42");
}
END_TEST

/*
 * shm_open(SHM_ANON): an anonymous object in capability mode, always
 * close-on-exec and read-write; FreeBSD's flag rules; names refused.
 */
START_TEST(shm_anon_in_capability_mode)
{
	int fd, fd2;
	char *p;

	ENTER();
	fd = shm_open(SHM_ANON, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	p[0] = 'x';
	fd2 = shm_open(SHM_ANON, O_RDWR, 0);
	ck_assert_int_ge(fd2, 0);
	ck_assert_int_ne(fd, fd2);
	ck_assert_fails(shm_open(SHM_ANON, O_RDONLY, 0), EINVAL);
	ck_assert_fails(shm_open(SHM_ANON, O_WRONLY, 0), EINVAL);
	ck_assert_fails(shm_open(SHM_ANON, O_RDWR | O_APPEND, 0), EINVAL);
	ck_assert_fails(shm_open("/capsicum-test", O_RDWR | O_CREAT, 0600), ECAPMODE);
	ck_assert_fails(shm_unlink("/capsicum-test"), ECAPMODE);
	ck_assert_fails(syscall(SYS_memfd_create, "x", 0x80000000u), EINVAL); /* bad flags */
}
END_TEST

static struct sockaddr_un unix_name(const char *path)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};

	ck_assert_uint_lt(strlen(path), sizeof(un.sun_path));
	memcpy(un.sun_path, path, strlen(path) + 1);
	return un;
}

static int listener_beneath(int dir, const char *name)
{
	struct sockaddr_un un = unix_name(name);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(bindat(dir, s, (struct sockaddr *)&un, sizeof(un)), 0);
	ck_assert_int_eq(listen(s, 4), 0);
	return s;
}

/*
 * bindat and connectat beneath a directory: outside capability mode and
 * in it; the new socket file gets the caller's umask; escapes, absolute
 * paths and missing rights fail as on FreeBSD.
 */
START_TEST(bindat_connectat)
{
	char dir[] = "/tmp/capsicum-bindat.XXXXXX", path[PATH_MAX];
	struct sockaddr_un un;
	cap_rights_t r;
	struct stat st;
	int d, l, l2, c, c2, sub;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	d = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(d, 0);
	ck_assert_int_eq(mkdirat(d, "sub", 0700), 0);
	umask(027);
	l = listener_beneath(d, "sub/before");
	ENTER();
	l2 = listener_beneath(d, "inside");
	ck_assert_int_eq(fstatat(d, "inside", &st, 0), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0750);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	un = unix_name("sub/before");
	ck_assert_int_eq(connectat(d, c, (struct sockaddr *)&un, sizeof(un)), 0);
	ck_assert_int_ge(accept(l, NULL, NULL), 0);
	c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	un = unix_name("sub/../inside");
	ck_assert_int_eq(connectat(d, c2, (struct sockaddr *)&un, sizeof(un)), 0);
	ck_assert_int_ge(accept(l2, NULL, NULL), 0);
	/* escapes */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	un = unix_name("../x");
	ck_assert_fails(bindat(d, c, (struct sockaddr *)&un, sizeof(un)), ENOTCAPABLE);
	snprintf(path, sizeof(path), "%s/inside", dir);
	un = unix_name(path);
	ck_assert_fails(connectat(d, c, (struct sockaddr *)&un, sizeof(un)), ENOTCAPABLE);
	ck_assert_fails(connect(c, (struct sockaddr *)&un, sizeof(un)), ECAPMODE);
	ck_assert_fails(bind(c, (struct sockaddr *)&un, sizeof(un)), ECAPMODE);
	ck_assert_fails(connectat(AT_FDCWD, c, (struct sockaddr *)&un, sizeof(un)), ECAPMODE);
	/* rights: the directory's and the socket's */
	sub = openat(d, "sub", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(sub, 0);
	ck_assert_int_eq(cap_rights_limit(sub, cap_rights_init(&r, CAP_LOOKUP, CAP_CONNECTAT)), 0);
	un = unix_name("other");
	ck_assert_fails(bindat(sub, c, (struct sockaddr *)&un, sizeof(un)), ENOTCAPABLE);
	un = unix_name("before");
	ck_assert_int_eq(cap_rights_limit(c, cap_rights_init(&r, CAP_READ)), 0);
	ck_assert_fails(connectat(sub, c, (struct sockaddr *)&un, sizeof(un)), ENOTCAPABLE);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(connectat(sub, c, (struct sockaddr *)&un, sizeof(un)), 0);
	/* only unix sockets */
	ck_assert_fails(bindat(d, c,
	                       (struct sockaddr *)&(struct sockaddr_in){.sin_family = AF_INET},
	                       sizeof(struct sockaddr_in)),
	                EAFNOSUPPORT);
}
END_TEST

/* Without a supervisor nobody can look beneath the directory. */
START_TEST(kernel_only_bindat_fails_closed)
{
	char dir[] = "/tmp/capsicum-bindat.XXXXXX";
	struct sockaddr_un un = unix_name("s");
	int d, s = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	d = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(d, 0);
	force_kernel_only();
	ENTER();
	ck_assert_fails(bindat(d, s, (struct sockaddr *)&un, sizeof(un)), ECAPMODE);
	ck_assert_fails(connectat(d, s, (struct sockaddr *)&un, sizeof(un)), ECAPMODE);
}
END_TEST

/* fexecve file from capability mode with env, in a child: what it printed, its status. */
static int exec_report_env(int file, char *const env[], char *out, size_t size)
{
	int p[2], st;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = {"exec_report", NULL};

		if (dup2(p[1], STDOUT_FILENO) != STDOUT_FILENO)
			_exit(126);
		fexecve(file, argv, env);
		_exit(125);
	}
	close(p[1]);
	n = read(p[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return st;
}

/* fexecve the report helper from capability mode, in a child: what it printed. */
static void exec_report(int file, char *out, size_t size)
{
	int st = exec_report_env(file, (char *[]){NULL}, out, size);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fexecve: status %#x", st);
}

/* A copy of the report helper in a fresh directory, patched by patch(): its path. */
static void copy_helper(const char *from, char *path, size_t size, void (*patch)(char *, size_t))
{
	static char buf[4 << 20];
	char dir[] = "/tmp/capsicum-exec.XXXXXX";
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	ck_assert_int_ge(in, 0);
	n = read(in, buf, sizeof(buf));
	ck_assert(n > 0 && n < (ssize_t)sizeof(buf));
	close(in);
	if (patch)
		patch(buf, (size_t)n);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, size, "%s/prog", dir);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
	ck_assert_int_ge(out, 0);
	ck_assert_int_eq(write(out, buf, (size_t)n), n);
	close(out);
}

/* fexecve works in capability mode, and the program stays in it. */
START_TEST(fexecve_in_capability_mode)
{
	int f = open(EXEC_REPORT, O_RDONLY | O_CLOEXEC);
	char out[128], want[128];

	ck_assert_int_ge(f, 0);
	ENTER();
	exec_report(f, out, sizeof(out));
	snprintf(want, sizeof(want), "euid=%d nnp=1 capmode=1\n", (int)geteuid());
	ck_assert_str_eq(out, want);
}
END_TEST

/*
 * A set-user-ID program executed from capability mode gains nothing:
 * no_new_privs holds.  As root, a copy owned by nobody would run as
 * nobody if its bit counted; as anyone else the copy is their own, and
 * no_new_privs is what is checked.
 */
START_TEST(fexecve_setuid_program_gains_nothing)
{
	char path[PATH_MAX], out[128], want[128];
	int f;

	copy_helper(EXEC_REPORT, path, sizeof(path), NULL);
	*strrchr(path, '/') = '\0';
	ck_assert_int_eq(chmod(path, 0755), 0);
	strcat(path, "/prog");
	if (geteuid() == 0)
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert_int_eq(chmod(path, 04755), 0);
	f = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(f, 0);
	ENTER();
	exec_report(f, out, sizeof(out));
	snprintf(want, sizeof(want), "euid=%d nnp=1 capmode=1\n", (int)geteuid());
	ck_assert_str_eq(out, want);
}
END_TEST

/*
 * A dynamically linked program fexecve'd from capability mode: its loader
 * finds its libraries through LD_LIBRARY_PATH_FDS (FreeBSD's contract),
 * and cannot without it.
 */
START_TEST(fexecve_dynamic_program_with_library_fds)
{
	int f = open(EXEC_REPORT_DYN, O_RDONLY | O_CLOEXEC),
	    lib = open("/usr/lib/x86_64-linux-gnu", O_RDONLY | O_DIRECTORY);
	char out[128], want[128], var[64];
	char *none[] = {NULL}, *env[] = {var, NULL};
	int st;

	ck_assert_int_ge(f, 0);
	ck_assert_int_ge(lib, 0);
	snprintf(var, sizeof(var), "LD_LIBRARY_PATH_FDS=%d", lib);
	ENTER();
	st = exec_report_env(f, env, out, sizeof(out));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	snprintf(want, sizeof(want), "euid=%d nnp=1 capmode=1\n", (int)geteuid());
	ck_assert_str_eq(out, want);
	/* without the descriptors the loader finds nothing */
	st = exec_report_env(f, none, out, sizeof(out));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 127, "status %#x", st);
	ck_assert_str_eq(out, "");
}
END_TEST

/* The loader's path in the program replaced by another of the same length. */
static void other_interpreter(char *buf, size_t n)
{
	static const char from[] = "/lib64/ld-linux-x86-64.so.2",
	                  to[] = "/tmp/x/ld-linux-x86-64.so.2";
	char *p = memmem(buf, n, from, sizeof(from));

	ck_assert_ptr_nonnull(p);
	memcpy(p, to, sizeof(to));
}

/*
 * What the kernel would open by path for a program -- a script's
 * interpreter, an ELF interpreter other than the system loader -- is a
 * global name: fexecve refuses such programs in capability mode, as
 * FreeBSD refuses scripts.
 */
START_TEST(fexecve_refuses_interpreters)
{
	char path[PATH_MAX], *none[] = {NULL}, out[64];
	int script, interp, st;

	copy_helper(EXEC_REPORT_DYN, path, sizeof(path), other_interpreter);
	interp = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(interp, 0);
	snprintf(path + strlen(path) - 4, 16, "script");
	script = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
	ck_assert_int_ge(script, 0);
	ck_assert_int_eq(write(script, "#!" EXEC_REPORT "\n", strlen(EXEC_REPORT) + 3),
	                 (ssize_t)strlen(EXEC_REPORT) + 3);
	close(script);
	script = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(script, 0);
	ENTER();
	st = exec_report_env(script, none, out, sizeof(out));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 125, "script: status %#x", st);
	ck_assert_fails(fexecve(script, (char *[]){"x", NULL}, none), ECAPMODE);
	ck_assert_fails(fexecve(interp, (char *[]){"x", NULL}, none), ECAPMODE);
}
END_TEST

/*
 * Only a sealed copy runs: a raw execveat of the file itself is refused
 * even with its "" sealed, since the file could change before the kernel
 * reads it.
 */
START_TEST(execveat_of_an_unpinned_file_refused)
{
	int f = open(EXEC_REPORT, O_RDONLY | O_CLOEXEC);
	long page = sysconf(_SC_PAGESIZE);
	char *empty =
	    mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_int_ge(f, 0);
	ck_assert_ptr_ne(empty, MAP_FAILED);
	empty[0] = '\0';
	ck_assert_int_eq(mprotect(empty, (size_t)page, PROT_READ), 0);
	ck_assert_int_eq(syscall(462 /* mseal */, empty, (size_t)page, 0UL), 0);
	ENTER();
	ck_assert_fails(
	    syscall(SYS_execveat, f, empty, (char *[]){"x", NULL}, (char *[]){NULL}, AT_EMPTY_PATH),
	    ECAPMODE);
}
END_TEST

/*
 * A /proc/PID/mem descriptor writes through protections and seals: held
 * by the process or any child, it would let fexecve's checked "" become a
 * path.  cap_enter refuses while one is held (EBUSY), as for io_uring.
 */
START_TEST(enter_refused_while_holding_proc_mem)
{
	int f = open(EXEC_REPORT, O_RDONLY | O_CLOEXEC), mem = open("/proc/self/mem", O_RDWR), task;
	char path[64], out[128];
	unsigned mode = 1;

	ck_assert_int_ge(f, 0);
	ck_assert_int_ge(mem, 0);
	ck_assert_fails(cap_enter(), EBUSY);
	ck_assert_int_eq(cap_getmode(&mode), 0);
	ck_assert_uint_eq(mode, 0);
	close(mem);
	snprintf(path, sizeof(path), "/proc/self/task/%d/mem", (int)getpid());
	ck_assert_int_ge(task = open(path, O_RDONLY), 0);
	ck_assert_fails(cap_enter(), EBUSY);
	close(task);
	ENTER();
	ck_assert_int_eq(WEXITSTATUS(exec_report_env(f, (char *[]){NULL}, out, sizeof(out))), 0);
}
END_TEST

/* A descriptor sent over a socket pair, and received back. */
static int bounce_fd(int fd)
{
	char c = 0, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec io = {&c, 1};
	struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = cbuf};
	int sv[2], got = -1;

	memset(cbuf, 0, sizeof(cbuf));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	m.msg_controllen = sizeof(cbuf);
	CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), &fd, sizeof(int));
	ck_assert_int_eq(sendmsg(sv[0], &m, 0), 1);
	close(fd);
	/* in flight across cap_enter, which sees no /proc/PID/mem in the table */
	ENTER();
	m.msg_controllen = sizeof(cbuf);
	ck_assert_int_eq(recvmsg(sv[1], &m, 0), 1);
	memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	return got;
}

/*
 * A "" in a sealed private page is no fixed path: another process holding
 * this one's /proc/PID/mem (smuggled across cap_enter in a socket's queue)
 * writes through the seal between the supervisor's check and the kernel's
 * read, and the kernel would run a program named by a global path.  Only
 * the supervisor's empty page, mapped shared, serves in capability mode:
 * with any other, execveat is refused before the kernel reads the path.
 * (An independent review ran the dynamic loader this way.)
 */
START_TEST(exec_path_rewritten_through_proc_mem)
{
	long page = sysconf(_SC_PAGESIZE);
	char *path =
	    mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int f = open("/bin/true", O_RDONLY | O_CLOEXEC), m, mem, rewritten = 0, ran = 0;
	struct stat sb;
	off_t off = 0;
	pid_t writer;

	ck_assert_ptr_ne(path, MAP_FAILED);
	ck_assert_int_ge(f, 0);
	/* a pinned copy, not executable: the honest exec fails with EACCES */
	ck_assert_int_ge(m = (int)syscall(SYS_memfd_create, "t", MFD_ALLOW_SEALING), 0);
	ck_assert_int_eq(fstat(f, &sb), 0);
	while (off < sb.st_size)
		ck_assert_int_gt(sendfile(m, f, &off, (size_t)(sb.st_size - off)), 0);
	ck_assert_int_eq(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK), 0);
	ck_assert_int_eq(fchmod(m, 0600), 0);
	strcpy(path + 1, "nonexistent-capsicum-exec-target");
	ck_assert_int_eq(mprotect(path, (size_t)page, PROT_READ), 0);
	ck_assert_int_eq(syscall(462 /* mseal */, path, (size_t)page, 0UL), 0);
	ck_assert_int_ge(mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC), 0);
	mem = bounce_fd(mem);
	ck_assert_int_ge(mem, 0);
	writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			char z = '\0', s = '/';

			(void)!pwrite(mem, &z, 1, (off_t)(uintptr_t)path);
			(void)!pwrite(mem, &s, 1, (off_t)(uintptr_t)path);
		}
	}
	close(mem);
	for (int i = 0; i < 4000; i++) {
		syscall(SYS_execveat, m, path, (char *[]){"x", NULL}, (char *[]){NULL},
		        AT_EMPTY_PATH);
		rewritten += errno == ENOENT; /* the kernel read "/nonexistent-..." */
		ran += errno != ECAPMODE && errno != ENOENT;
	}
	/* the writer dies with this process (PR_SET_PDEATHSIG) */
	ck_assert_msg(rewritten == 0 && ran == 0,
	              "execveat continued with a path from a private sealed page: %d rewritten, "
	              "%d other",
	              rewritten, ran);
}
END_TEST

/*
 * With a second thread, which could swap the number's file (dup2) after
 * the check, fexecve in capability mode fails with EBUSY.
 */
static void *sleeper(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

START_TEST(fexecve_refused_with_other_threads)
{
	int f = open(EXEC_REPORT, O_RDONLY | O_CLOEXEC);
	pthread_t th;

	ck_assert_int_ge(f, 0);
	ENTER();
	ck_assert_int_eq(pthread_create(&th, NULL, sleeper, NULL), 0);
	ck_assert_fails(fexecve(f, (char *[]){"x", NULL}, (char *[]){NULL}), EBUSY);
}
END_TEST

/*
 * A descriptor limited to CAP_FEXECVE runs its program without giving the
 * program's bytes away: its sealed copy lands on a slow number limited the
 * same way, where the slow range is routed (a limit came before
 * cap_enter); where it is not, fexecve fails with ENOTCAPABLE.
 */
START_TEST(fexecve_without_cap_read)
{
	cap_rights_t r;
	char out[128], want[128];
	int f = open(EXEC_REPORT, O_RDONLY | O_CLOEXEC), lean = _i, st;

	ck_assert_int_ge(f, 0);
	if (lean)
		ENTER();
	ck_assert_int_eq(cap_rights_limit(f, cap_rights_init(&r, CAP_FEXECVE)), 0);
	if (!lean)
		ENTER();
	ck_assert_fails(pread(f, out, 1, 0), ENOTCAPABLE);
	st = exec_report_env(f, (char *[]){NULL}, out, sizeof(out));
	if (lean) {
		ck_assert_fails(fexecve(f, (char *[]){"x", NULL}, (char *[]){NULL}), ENOTCAPABLE);
		return;
	}
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	snprintf(want, sizeof(want), "euid=%d nnp=1 capmode=1\n", (int)geteuid());
	ck_assert_str_eq(out, want);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("capmode");
	TCase *api = tcase_create("api"), *inh = tcase_create("inheritance"),
	      *ok = tcase_create("allowed");

	tcase_add_test(api, getmode_before_and_after);
	tcase_add_test(api, getmode_null_is_efault);
	tcase_add_test(api, enter_twice_is_a_noop);
	tcase_add_test(api, enter_keeps_errno);
	tcase_add_test(api, enter_with_no_files_and_no_processes_left);
	tcase_add_test(api, io_uring_ring_blocks_enter_and_confines_nothing);
	tcase_add_test(api, unsynchronisable_thread_fails_enter_cleanly);
	tcase_add_test(inh, children_inherit_the_mode);
	tcase_add_test(inh, vfork_child_is_confined);
	tcase_add_test(inh, child_forked_before_is_not_confined);
	tcase_add_test(inh, threads_running_before_are_confined);
	tcase_add_test(inh, threads_created_after_are_confined);
	tcase_add_test(inh, enter_from_a_thread_confines_the_process);
	tcase_add_test(ok, descriptor_io_works);
	tcase_add_test(ok, fstat_works);
	tcase_add_test(ok, null_path_stat_is_fstat);
	tcase_add_test(ok, memory_and_events_work);
	tcase_add_test(ok, process_calls_work);
	tcase_add_test(ok, sockets_of_the_allowed_kinds);
	tcase_add_test(ok, rights_limits_work_in_capability_mode);
	tcase_add_test(ok, limits_set_before_enter_still_hold);
	tcase_add_test(ok, stdio_works);
	tcase_add_test(ok, shm_anon_in_capability_mode);
	tcase_add_test(ok, bindat_connectat);
	tcase_add_test(ok, kernel_only_bindat_fails_closed);
	tcase_add_test(ok, fexecve_in_capability_mode);
	tcase_add_test(ok, fexecve_setuid_program_gains_nothing);
	tcase_add_test(ok, fexecve_dynamic_program_with_library_fds);
	tcase_add_test(ok, fexecve_refuses_interpreters);
	tcase_add_test(ok, execveat_of_an_unpinned_file_refused);
	tcase_add_test(ok, enter_refused_while_holding_proc_mem);
	tcase_add_test(ok, fexecve_refused_with_other_threads);
	tcase_add_test(ok, exec_path_rewritten_through_proc_mem);
	tcase_add_loop_test(ok, fexecve_without_cap_read, 0, 2);
	suite_add_tcase(s, api);
	suite_add_tcase(s, inh);
	suite_add_tcase(s, ok);
	return s;
}

TEST_MAIN()
