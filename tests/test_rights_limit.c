/*
 * Per-right enforcement, table-driven: for every operation, limiting the
 * descriptor to exactly the rights it needs lets it succeed, and limiting to
 * everything but those rights makes it fail with ENOTCAPABLE.  Each table row
 * runs as two forked test iterations.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sendfile.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <netinet/in.h>
#include <dirent.h>

#include <sys/capsicum.h>

#include "harness.h"

enum kind {
	K_FILE,
	K_DIR,
	K_PIPE_R,
	K_PIPE_W,
	K_STREAM,
	K_UDP,
	K_TCP,
	K_EPOLL,
	K_INOTIFY,
	K_TIMERFD,
	K_PIDFD
};

/* Per-kind companions the operations use (the other end of a pipe, ...). */
static int peer = -1;
static char buf[4096];

static int make_fd(enum kind k)
{
	int p[2], fd = -1;

	switch (k) {
	case K_FILE:
		return tmpfile_fd(64);
	case K_DIR:
		return open("/tmp", O_RDONLY | O_DIRECTORY);
	case K_PIPE_R:
	case K_PIPE_W:
		ck_assert_ok(pipe(p));
		ck_assert_int_eq(write(p[1], "abcd", 4), 4);
		peer = k == K_PIPE_R ? p[1] : p[0];
		return k == K_PIPE_R ? p[0] : p[1];
	case K_STREAM:
		ck_assert_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
		ck_assert_int_eq(write(p[1], "abcd", 4), 4);
		peer = p[1];
		return p[0];
	case K_UDP:
		return socket(AF_INET, SOCK_DGRAM, 0);
	case K_TCP:
		return socket(AF_INET, SOCK_STREAM, 0);
	case K_EPOLL:
		ck_assert_ok(pipe(p));
		peer = p[0];
		return epoll_create1(0);
	case K_INOTIFY:
		return inotify_init1(0);
	case K_TIMERFD:
		return timerfd_create(CLOCK_MONOTONIC, 0);
	case K_PIDFD:
		return (int)syscall(SYS_pidfd_open, getpid(), 0);
	}
	return fd;
}

static struct sockaddr_in loopback(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	return sin;
}

/* clang-format off */
static int op_read(int fd) { return (int)read(fd, buf, 1); }
static int op_readv(int fd) { struct iovec v = {buf, 1}; return (int)readv(fd, &v, 1); }
static int op_pread(int fd) { return (int)pread(fd, buf, 1, 0); }
static int op_preadv(int fd) { struct iovec v = {buf, 1}; return (int)preadv(fd, &v, 1, 0); }
static int op_write(int fd) { return (int)write(fd, "y", 1); }
static int op_writev(int fd) { struct iovec v = {"y", 1}; return (int)writev(fd, &v, 1); }
static int op_pwrite(int fd) { return (int)pwrite(fd, "y", 1, 0); }
static int op_pwritev(int fd) { struct iovec v = {"y", 1}; return (int)pwritev(fd, &v, 1, 0); }
static int op_lseek(int fd) { return (int)lseek(fd, 1, SEEK_SET); }
static int op_fstat(int fd) { struct stat sb; return fstat(fd, &sb); }
static int op_fstat_raw(int fd) { struct stat sb; return (int)syscall(SYS_fstat, fd, &sb); }
static int op_statx(int fd) { struct statx sx; return statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx); }
static int op_fstatfs(int fd) { struct statfs sf; return fstatfs(fd, &sf); }
static int op_ftruncate(int fd) { return ftruncate(fd, 10); }
static int op_fallocate(int fd) { return fallocate(fd, 0, 0, 128); }
static int op_fsync(int fd) { return fsync(fd); }
static int op_fdatasync(int fd) { return fdatasync(fd); }
static int op_syncfs(int fd) { return syncfs(fd); }
static int op_sync_file_range(int fd) { return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE); }
static int op_fchmod(int fd) { return fchmod(fd, 0640); }
static int op_fchown(int fd) { return fchown(fd, (uid_t)-1, (gid_t)-1); }
static int op_fchdir(int fd) { return fchdir(fd); }
static int op_flock(int fd) { return flock(fd, LOCK_SH); }
static int op_futimens(int fd) { return futimens(fd, NULL); }
static int op_fsetxattr(int fd) { return fsetxattr(fd, "user.capsicum", "1", 1, 0); }
static int op_fgetxattr(int fd) { (void)fsetxattr(fd, "user.capsicum", "1", 1, 0); return (int)fgetxattr(fd, "user.capsicum", buf, sizeof(buf)); }
static int op_flistxattr(int fd) { return (int)flistxattr(fd, buf, sizeof(buf)); }
static int op_fremovexattr(int fd) { (void)fsetxattr(fd, "user.capsicum", "1", 1, 0); return fremovexattr(fd, "user.capsicum"); }
static int op_getdents(int fd) { return (int)syscall(SYS_getdents64, fd, buf, sizeof(buf)); }
static int op_readahead(int fd) { return (int)readahead(fd, 0, 64); }

static int mapped(void *p)
{
	if (p == MAP_FAILED)
		return -1;
	munmap(p, 4096);
	return 0;
}
static int op_mmap_r(int fd) { return mapped(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0)); }
static int op_mmap_shared_rw(int fd) { return mapped(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)); }
static int op_mmap_x(int fd) { return mapped(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0)); }
static int op_mmap_none(int fd) { return mapped(mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE, fd, 0)); }

static int op_ioctl(int fd) { int n; return ioctl(fd, FIONREAD, &n); }
static int op_getfl(int fd) { return fcntl(fd, F_GETFL); }
static int op_setfl(int fd) { return fcntl(fd, F_SETFL, O_NONBLOCK); }
static int op_getown(int fd) { return fcntl(fd, F_GETOWN); }
static int op_setown(int fd) { return fcntl(fd, F_SETOWN, getpid()); }
static int op_setlk(int fd) { struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_SET}; return fcntl(fd, F_SETLK, &l); }
static int op_ofd_getlk(int fd) { struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_SET}; return fcntl(fd, F_OFD_GETLK, &l); }

static int op_send(int fd) { return (int)send(fd, "y", 1, 0); }
static int op_recv(int fd) { return (int)recv(fd, buf, 1, 0); }
static int op_sendmsg(int fd) { struct iovec v = {"y", 1}; struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1}; return (int)sendmsg(fd, &m, 0); }
static int op_recvmsg(int fd) { struct iovec v = {buf, 1}; struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1}; return (int)recvmsg(fd, &m, 0); }
static int op_shutdown(int fd) { return shutdown(fd, SHUT_RD); }
static int op_getsockname(int fd) { struct sockaddr_storage ss; socklen_t l = sizeof(ss); return getsockname(fd, (struct sockaddr *)&ss, &l); }
static int op_getpeername(int fd) { struct sockaddr_storage ss; socklen_t l = sizeof(ss); return getpeername(fd, (struct sockaddr *)&ss, &l); }
static int op_getsockopt(int fd) { int v; socklen_t l = sizeof(v); return getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l); }
static int op_setsockopt(int fd) { int v = 1; return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)); }
static int op_bind(int fd) { struct sockaddr_in s = loopback(); return bind(fd, (struct sockaddr *)&s, sizeof(s)); }
static int op_listen(int fd) { return listen(fd, 1); }

/* sendto with an explicit destination: CAP_SEND and CAP_CONNECT. */
static int op_sendto_addr(int fd)
{
	struct sockaddr_in to = loopback();
	int rx = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t l = sizeof(to);

	ck_assert_ok(bind(rx, (struct sockaddr *)&to, sizeof(to)));
	ck_assert_ok(getsockname(rx, (struct sockaddr *)&to, &l));
	return (int)sendto(fd, "y", 1, 0, (struct sockaddr *)&to, sizeof(to));
}

static int op_connect(int fd)
{
	struct sockaddr_in to = loopback();
	int srv = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t l = sizeof(to);

	ck_assert_ok(bind(srv, (struct sockaddr *)&to, sizeof(to)));
	ck_assert_ok(listen(srv, 1));
	ck_assert_ok(getsockname(srv, (struct sockaddr *)&to, &l));
	return connect(fd, (struct sockaddr *)&to, sizeof(to));
}

static int op_epoll_ctl(int fd) { struct epoll_event ev = {.events = EPOLLIN}; return epoll_ctl(fd, EPOLL_CTL_ADD, peer, &ev); }
static int op_epoll_wait(int fd) { struct epoll_event ev; return epoll_wait(fd, &ev, 1, 0); }
/* The watched descriptor needs CAP_EVENT. */
static int op_epoll_watch(int fd) { struct epoll_event ev = {.events = EPOLLIN}; return epoll_ctl(epoll_create1(0), EPOLL_CTL_ADD, fd, &ev); }
static int op_inotify_add(int fd) { return inotify_add_watch(fd, "/tmp", IN_CREATE); }
static int op_inotify_rm(int fd) { return inotify_rm_watch(fd, 12345) == -1 && errno == EINVAL ? 0 : -1; }
static int op_timerfd_set(int fd) { struct itimerspec t = {0}; return timerfd_settime(fd, 0, &t, NULL); }
static int op_timerfd_get(int fd) { struct itimerspec t; return timerfd_gettime(fd, &t); }
static int op_pidfd_signal(int fd) { return (int)syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0); }

static int op_sendfile_out(int fd) { int in = tmpfile_fd(8); return (int)sendfile(fd, in, NULL, 1); }
static int op_sendfile_in(int fd) { int out = open("/dev/null", O_WRONLY); off_t o = 0; return (int)sendfile(out, fd, &o, 1); }
static int op_splice_in(int fd) { int p[2]; ck_assert_ok(pipe(p)); return (int)splice(fd, NULL, p[1], NULL, 1, 0); }
static int op_splice_out(int fd) { int p[2]; ck_assert_ok(pipe(p)); ck_assert_int_eq(write(p[1], "z", 1), 1); return (int)splice(p[0], NULL, fd, NULL, 1, 0); }
static int op_splice_in_off(int fd) { int p[2]; loff_t o = 0; ck_assert_ok(pipe(p)); return (int)splice(fd, &o, p[1], NULL, 1, 0); }
static int op_cfr_in(int fd) { int out = tmpfile_fd(0); return (int)copy_file_range(fd, NULL, out, NULL, 1, 0); }
static int op_cfr_out(int fd) { int in = tmpfile_fd(8); return (int)copy_file_range(in, NULL, fd, NULL, 1, 0); }
static int op_cfr_in_off(int fd) { int out = tmpfile_fd(0); loff_t o = 0; return (int)copy_file_range(fd, &o, out, NULL, 1, 0); }
static int op_tee_in(int fd) { int p[2]; ck_assert_ok(pipe(p)); return (int)tee(fd, p[1], 1, 0); }

struct row {
	const char *name;
	enum kind kind;
	uint64_t need[3]; /* the rights the operation needs; unused slots 0 */
	int (*op)(int);
};

#define ROW(op, kind, ...) {#op, kind, {__VA_ARGS__}, op}

static const struct row rows[] = {
	ROW(op_read, K_FILE, CAP_READ),
	ROW(op_readv, K_FILE, CAP_READ),
	ROW(op_pread, K_FILE, CAP_PREAD),
	ROW(op_preadv, K_FILE, CAP_PREAD),
	ROW(op_write, K_FILE, CAP_WRITE),
	ROW(op_writev, K_FILE, CAP_WRITE),
	ROW(op_pwrite, K_FILE, CAP_PWRITE),
	ROW(op_pwritev, K_FILE, CAP_PWRITE),
	ROW(op_lseek, K_FILE, CAP_SEEK),
	ROW(op_fstat, K_FILE, CAP_FSTAT),
	ROW(op_fstat_raw, K_FILE, CAP_FSTAT),
	ROW(op_statx, K_FILE, CAP_FSTAT),
	ROW(op_fstatfs, K_FILE, CAP_FSTATFS),
	ROW(op_ftruncate, K_FILE, CAP_FTRUNCATE),
	ROW(op_fallocate, K_FILE, CAP_PWRITE),
	ROW(op_fsync, K_FILE, CAP_FSYNC),
	ROW(op_fdatasync, K_FILE, CAP_FSYNC),
	ROW(op_syncfs, K_FILE, CAP_FSYNC),
	ROW(op_sync_file_range, K_FILE, CAP_FSYNC),
	ROW(op_fchmod, K_FILE, CAP_FCHMOD),
	ROW(op_fchown, K_FILE, CAP_FCHOWN),
	ROW(op_fchdir, K_DIR, CAP_FCHDIR),
	ROW(op_flock, K_FILE, CAP_FLOCK),
	ROW(op_futimens, K_FILE, CAP_FUTIMES),
	ROW(op_fsetxattr, K_FILE, CAP_EXTATTR_SET),
	ROW(op_fgetxattr, K_FILE, CAP_EXTATTR_GET, CAP_EXTATTR_SET),
	ROW(op_flistxattr, K_FILE, CAP_EXTATTR_LIST),
	ROW(op_fremovexattr, K_FILE, CAP_EXTATTR_DELETE, CAP_EXTATTR_SET),
	ROW(op_getdents, K_DIR, CAP_READ),
	ROW(op_readahead, K_FILE, CAP_PREAD),
	ROW(op_mmap_r, K_FILE, CAP_MMAP_R),
	ROW(op_mmap_shared_rw, K_FILE, CAP_MMAP_RW),
	ROW(op_mmap_x, K_FILE, CAP_MMAP_RX),
	ROW(op_mmap_none, K_FILE, CAP_MMAP_R), /* readable file: PROT_NONE could be raised */
	ROW(op_ioctl, K_PIPE_R, CAP_IOCTL),
	ROW(op_getfl, K_FILE, CAP_FCNTL),
	ROW(op_setfl, K_FILE, CAP_FCNTL),
	ROW(op_getown, K_PIPE_R, CAP_FCNTL),
	ROW(op_setown, K_PIPE_R, CAP_FCNTL),
	ROW(op_setlk, K_FILE, CAP_FLOCK),
	ROW(op_ofd_getlk, K_FILE, CAP_FLOCK),
	ROW(op_read, K_PIPE_R, CAP_READ),
	ROW(op_write, K_PIPE_W, CAP_WRITE),
	ROW(op_send, K_STREAM, CAP_SEND),
	ROW(op_recv, K_STREAM, CAP_RECV),
	ROW(op_sendmsg, K_STREAM, CAP_SEND, CAP_CONNECT), /* DEVIATIONS.md: address in memory */
	ROW(op_recvmsg, K_STREAM, CAP_RECV),
	ROW(op_shutdown, K_STREAM, CAP_SHUTDOWN),
	ROW(op_getsockname, K_STREAM, CAP_GETSOCKNAME),
	ROW(op_getpeername, K_STREAM, CAP_GETPEERNAME),
	ROW(op_getsockopt, K_STREAM, CAP_GETSOCKOPT),
	ROW(op_setsockopt, K_TCP, CAP_SETSOCKOPT),
	ROW(op_bind, K_TCP, CAP_BIND),
	ROW(op_listen, K_TCP, CAP_LISTEN), /* listen autobinds */
	ROW(op_connect, K_TCP, CAP_CONNECT),
	ROW(op_sendto_addr, K_UDP, CAP_SEND, CAP_CONNECT),
	ROW(op_epoll_ctl, K_EPOLL, CAP_KQUEUE_CHANGE),
	ROW(op_epoll_wait, K_EPOLL, CAP_KQUEUE_EVENT),
	ROW(op_epoll_watch, K_PIPE_R, CAP_EVENT),
	ROW(op_inotify_add, K_INOTIFY, CAP_INOTIFY_ADD),
	ROW(op_inotify_rm, K_INOTIFY, CAP_INOTIFY_RM),
	ROW(op_timerfd_set, K_TIMERFD, CAP_WRITE),
	ROW(op_timerfd_get, K_TIMERFD, CAP_READ),
	ROW(op_pidfd_signal, K_PIDFD, CAP_PDKILL),
	ROW(op_sendfile_out, K_FILE, CAP_WRITE),
	ROW(op_sendfile_in, K_FILE, CAP_PREAD),
	ROW(op_splice_in, K_PIPE_R, CAP_READ),
	ROW(op_splice_out, K_PIPE_W, CAP_WRITE),
	ROW(op_splice_in_off, K_FILE, CAP_PREAD),
	ROW(op_cfr_in, K_FILE, CAP_READ),
	ROW(op_cfr_out, K_FILE, CAP_WRITE),
	ROW(op_cfr_in_off, K_FILE, CAP_PREAD),
	ROW(op_tee_in, K_PIPE_R, CAP_READ),
};
/* clang-format on */

static void need_rights(const struct row *r, cap_rights_t *need)
{
	cap_rights_init(need);
	for (int i = 0; i < 3 && r->need[i] != 0; i++)
		cap_rights_set(need, r->need[i]);
}

/* Exactly the rights the operation needs: it must succeed. */
START_TEST(allowed_with_needed_rights)
{
	const struct row *r = &rows[_i];
	cap_rights_t need, got;
	int fd = make_fd(r->kind);

	ck_assert_int_ge(fd, 0);
	need_rights(r, &need);
	ck_assert_ok(cap_rights_limit(fd, &need));
	ck_assert_ok(cap_rights_get(fd, &got));
	ck_assert_mem_eq(&got, &need, sizeof(got));
	errno = 0;
	ck_assert_msg(r->op(fd) >= 0, "%s on %s-limited fd: %s", r->name, r->name, strerror(errno));
}
END_TEST

/* Everything except those rights: it must fail with ENOTCAPABLE. */
START_TEST(denied_without_needed_rights)
{
	const struct row *r = &rows[_i];
	cap_rights_t need, rest;
	int fd = make_fd(r->kind);

	ck_assert_int_ge(fd, 0);
	need_rights(r, &need);
	CAP_ALL(&rest);
	cap_rights_remove(&rest, &need);
	ck_assert_ok(cap_rights_limit(fd, &rest));
	errno = 0;
	int ret = r->op(fd);
	ck_assert_msg(ret == -1 && errno == ENOTCAPABLE, "%s: returned %d, errno %d (%s)", r->name,
	              ret, errno, strerror(errno));
}
END_TEST

/* The same operations on a descriptor that was never limited all work. */
START_TEST(unlimited_fd_unaffected_by_other_limits)
{
	const struct row *r = &rows[_i];
	cap_rights_t none;
	int other = tmpfile_fd(1);
	int fd = make_fd(r->kind);

	ck_assert_ok(cap_rights_limit(other, cap_rights_init(&none)));
	errno = 0;
	ck_assert_msg(r->op(fd) >= 0, "%s: %s", r->name, strerror(errno));
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("rights_limit");
	TCase *tc = tcase_create("matrix");

	tcase_add_loop_test(tc, allowed_with_needed_rights, 0, (int)ARRAY_LEN(rows));
	tcase_add_loop_test(tc, denied_without_needed_rights, 0, (int)ARRAY_LEN(rows));
	tcase_add_loop_test(tc, unlimited_fd_unaffected_by_other_limits, 0, (int)ARRAY_LEN(rows));
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
