/*
 * Limits belong to the whole process and outlive fork and exec: every
 * thread is bound at once (TSYNC), children inherit the filters, and a new
 * program image still reports the rights through cap_rights_get.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>

#include <sys/capsicum.h>

#include "harness.h"

#ifndef RIGHTS_REPORT
#error "RIGHTS_REPORT names the helper program (tests/CMakeLists.txt)"
#endif

static cap_rights_t read_only(void)
{
	cap_rights_t r;

	return *cap_rights_init(&r, CAP_READ, CAP_FSTAT, CAP_FCNTL, CAP_IOCTL, CAP_SEEK);
}

START_TEST(child_inherits_limit)
{
	cap_rights_t r = read_only(), got;
	int fd = tmpfile_fd(4), status;
	pid_t pid;

	ck_assert_ok(cap_rights_limit(fd, &r));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int ok = cap_rights_get(fd, &got) == 0 && memcmp(&got, &r, sizeof(r)) == 0 &&
		         write(fd, "x", 1) == -1 && errno == ENOTCAPABLE;
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* Children forked before the limit are not affected, as on FreeBSD. */
START_TEST(earlier_child_unaffected)
{
	cap_rights_t r = read_only();
	int fd = tmpfile_fd(4), go[2], status;
	pid_t pid;

	ck_assert_ok(pipe(go));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 0) /* wait for the parent's limit */
			_exit(2);
		_exit(write(fd, "x", 1) == 1 ? 0 : 1);
	}
	ck_assert_ok(cap_rights_limit(fd, &r));
	close(go[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_fails(write(fd, "x", 1), ENOTCAPABLE);
}
END_TEST

static char *run_report(int fd)
{
	static char out[512];
	char arg[16], cmd[600];
	FILE *f;
	size_t n;

	snprintf(arg, sizeof(arg), "%d", fd);
	snprintf(cmd, sizeof(cmd), "%s %s", RIGHTS_REPORT, arg);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	ck_assert_int_eq(pclose(f), 0);
	return out;
}

START_TEST(exec_keeps_limit_and_reports_it)
{
	cap_rights_t r = read_only();
	cap_ioctl_t cmds[] = {0x5421, 0x541B};
	char want[256];
	int fd = tmpfile_fd(4);

	ck_assert_ok(cap_rights_limit(fd, &r));
	ck_assert_ok(cap_ioctls_limit(fd, cmds, 2));
	ck_assert_ok(cap_fcntls_limit(fd, CAP_FCNTL_GETFL));
	snprintf(want, sizeof(want),
	         "rights %016" PRIx64 " %016" PRIx64 " ioctls 2 fcntls %d\nread 0\nwrite %d\n",
	         r.cr_rights[0], r.cr_rights[1], CAP_FCNTL_GETFL, ENOTCAPABLE);
	ck_assert_str_eq(run_report(fd), want);
}
END_TEST

START_TEST(exec_of_unlimited_fd_reports_all)
{
	cap_rights_t all, r = read_only();
	char want[256];
	int fd = tmpfile_fd(4), other = tmpfile_fd(1);

	ck_assert_ok(cap_rights_limit(other, &r)); /* filters exist, just not for fd */
	CAP_ALL(&all);
	snprintf(want, sizeof(want),
	         "rights %016" PRIx64 " %016" PRIx64 " ioctls %zd fcntls %d\nread 0\nwrite 0\n",
	         all.cr_rights[0], all.cr_rights[1], (ssize_t)CAP_IOCTLS_ALL, CAP_FCNTL_ALL);
	ck_assert_str_eq(run_report(fd), want);
}
END_TEST

static volatile int stop;
static int shared_fd;

struct writer_count {
	long written; /* writes that succeeded */
	long denied;  /* writes refused */
	long leaked;  /* writes that succeeded after one was refused */
};

static void *writer(void *arg)
{
	struct writer_count *c = arg;

	while (!stop) {
		ssize_t n = write(shared_fd, "x", 1);
		if (n == -1 && errno == ENOTCAPABLE)
			__atomic_add_fetch(&c->denied, 1, __ATOMIC_RELAXED);
		else if (n == 1 && __atomic_load_n(&c->denied, __ATOMIC_RELAXED) > 0)
			c->leaked++;
		else if (n == 1)
			__atomic_add_fetch(&c->written, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * Threads that exist before the limit are bound by it. A write already past
 * the syscall entry when the limit lands may still complete (as on FreeBSD,
 * where it holds its checked file reference), so the test waits until every
 * thread has been refused once; from then on no write may succeed anywhere.
 */
START_TEST(limit_binds_running_threads)
{
	cap_rights_t r = read_only();
	pthread_t t[3];
	struct writer_count c[3] = {{0}};

	shared_fd = tmpfile_fd(0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, writer, &c[i]), 0);
	/*
	 * Running, not starting: the limit forks the supervisor, and a thread
	 * still in the sanitizer's start-up would leave its lock held in the
	 * child (ASan's fork handling does not cover it).
	 */
	for (int i = 0; i < 3; i++)
		while (__atomic_load_n(&c[i].written, __ATOMIC_RELAXED) == 0)
			sched_yield();
	ck_assert_ok(cap_rights_limit(shared_fd, &r));
	for (int i = 0; i < 3; i++)
		while (__atomic_load_n(&c[i].denied, __ATOMIC_RELAXED) == 0)
			sched_yield();
	off_t size = lseek(shared_fd, 0, SEEK_END);
	for (int i = 0; i < 1000; i++)
		sched_yield(); /* let the writers keep trying */
	stop = 1;
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_int_eq(c[i].leaked, 0);
	}
	ck_assert_int_eq(lseek(shared_fd, 0, SEEK_END), size);
}
END_TEST

static void *late_thread(void *arg)
{
	(void)arg;
	return (void *)(long)(write(shared_fd, "x", 1) == -1 && errno == ENOTCAPABLE);
}

START_TEST(later_threads_inherit_limit)
{
	cap_rights_t r = read_only();
	pthread_t t;
	void *res;

	shared_fd = tmpfile_fd(0);
	ck_assert_ok(cap_rights_limit(shared_fd, &r));
	ck_assert_int_eq(pthread_create(&t, NULL, late_thread, NULL), 0);
	ck_assert_int_eq(pthread_join(t, &res), 0);
	ck_assert_int_eq((long)res, 1);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("rights_inherit");
	TCase *tc = tcase_create("inherit");

	tcase_add_test(tc, child_inherits_limit);
	tcase_add_test(tc, earlier_child_unaffected);
	tcase_add_test(tc, exec_keeps_limit_and_reports_it);
	tcase_add_test(tc, exec_of_unlimited_fd_reports_all);
	tcase_add_test(tc, limit_binds_running_threads);
	tcase_add_test(tc, later_threads_inherit_limit);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
