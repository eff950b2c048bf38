/*
 * libcasper's core: channels, the Casper process, the service runtime,
 * limits that only narrow, the cleaning and confinement of a service
 * process, and clients that misbehave.  Two services live in this
 * program: "test.echo" (confined to /etc, limits = the words it may
 * echo) and "test.plain" (unconfined, keeps stdio, duplicate names).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <libcasper.h>
#include <libcasper_service.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "harness.h"

/* ---- the services ---- */

static int words_limit(const nvlist_t *oldlimits, const nvlist_t *newlimits)
{
	const char *name;
	void *cookie = NULL;
	int type;

	while ((name = nvlist_next(newlimits, &type, &cookie)) != NULL) {
		if (type != NV_TYPE_NULL)
			return EINVAL;
		if (oldlimits != NULL && !nvlist_exists_null(oldlimits, name))
			return ENOTCAPABLE;
	}
	return 0;
}

/* Open descriptors below 1024 (no /proc: the service may be confined). */
static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* Opens "path" "count" times (all open at once) and reads a byte from each. */
static int read_files(const nvlist_t *in)
{
	int fds[32], n = 0, err = 0, count;
	char c;

	if (!nvlist_exists_string(in, "path"))
		return EINVAL;
	count = nvlist_exists_number(in, "count") ? (int)nvlist_get_number(in, "count") : 1;
	if (count < 1 || count > 32)
		return EINVAL;
	while (n < count && err == 0) {
		if ((fds[n] = open(nvlist_get_string(in, "path"), O_RDONLY)) < 0)
			err = errno;
		else if (read(fds[n++], &c, 1) != 1)
			err = errno;
	}
	while (n > 0)
		close(fds[--n]);
	return err;
}

static int echo_command(const char *cmd, const nvlist_t *limits, nvlist_t *in, nvlist_t *out)
{
	if (strcmp(cmd, "echo") == 0) {
		if (!nvlist_exists_string(in, "word"))
			return EINVAL;
		if (limits != NULL && !nvlist_exists_null(limits, nvlist_get_string(in, "word")))
			return ENOTCAPABLE;
		nvlist_add_string(out, "word", nvlist_get_string(in, "word"));
		return 0;
	}
	if (strcmp(cmd, "read") == 0) /* confinement, limited numbers */
		return read_files(in);
	if (strcmp(cmd, "ids") == 0) {
		nvlist_add_number(out, "pid", (uint64_t)getpid());
		nvlist_add_number(out, "ppid", (uint64_t)getppid());
		nvlist_add_number(out, "fds", (uint64_t)count_fds());
		nvlist_add_number(out, "nnp", (uint64_t)prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
		return 0;
	}
	if (strcmp(cmd, "crash") == 0)
		abort();
	return EINVAL;
}

static int echo_confine(const nvlist_t *limits)
{
	static const char *const paths[] = {"/etc"};
	static const int access[] = {CASPER_PATH_READ};
	int err;

	(void)limits;
	err = casper_confine_paths(paths, access, 1, 0);
	return err == ENOSYS ? 0 : err;
}

CREATE_SERVICE_CONFINED("test.echo", words_limit, echo_command, echo_confine, 0)

static __attribute__((constructor)) void register_plain(void)
{
	service_register("test.plain", words_limit, echo_command,
	                 CASPER_SERVICE_STDIO | CASPER_SERVICE_NO_UNIQ_LIMITS);
	service_register("test.fd", words_limit, echo_command, CASPER_SERVICE_FD);
}

/* ---- helpers ---- */

static int landlock_present(void)
{
	return syscall(444, NULL, 0, 1) >= 0;
}

static cap_channel_t *open_service(const char *name)
{
	cap_channel_t *casper = cap_init(), *chan;

	ck_assert_msg(casper != NULL, "cap_init: %s", strerror(errno));
	chan = cap_service_open(casper, name);
	ck_assert_msg(chan != NULL, "cap_service_open(%s): %s", name, strerror(errno));
	cap_close(casper);
	return chan;
}

/* A request for chan (its nvlists carry the channel's flags). */
static nvlist_t *req(const cap_channel_t *chan, const char *cmd)
{
	nvlist_t *nvl =
	    nvlist_create((cap_channel_flags(chan) & CASPER_NO_UNIQ) ? NV_FLAG_NO_UNIQUE : 0);

	nvlist_add_string(nvl, "cmd", cmd);
	return nvl;
}

/* The "error" of a request, or -1 when the channel failed. */
static int call(cap_channel_t *chan, nvlist_t *nvl, nvlist_t **replyp)
{
	nvlist_t *reply = cap_xfer_nvlist(chan, nvl);
	int err;

	if (reply == NULL)
		return -1;
	err = (int)nvlist_get_number(reply, "error");
	if (replyp != NULL)
		*replyp = reply;
	else
		nvlist_destroy(reply);
	return err;
}

static int echo(cap_channel_t *chan, const char *word)
{
	nvlist_t *nvl = req(chan, "echo"), *reply = NULL;
	int err;

	nvlist_add_string(nvl, "word", word);
	err = call(chan, nvl, &reply);
	if (err == 0)
		ck_assert_str_eq(nvlist_get_string(reply, "word"), word);
	if (reply != NULL)
		nvlist_destroy(reply);
	return err;
}

static int read_path_n(cap_channel_t *chan, const char *path, int count)
{
	nvlist_t *nvl = req(chan, "read");

	nvlist_add_string(nvl, "path", path);
	nvlist_add_number(nvl, "count", (uint64_t)count);
	return call(chan, nvl, NULL);
}

static int read_path(cap_channel_t *chan, const char *path)
{
	nvlist_t *nvl = req(chan, "read");

	nvlist_add_string(nvl, "path", path);
	return call(chan, nvl, NULL);
}

static uint64_t ask_id(cap_channel_t *chan, const char *what)
{
	nvlist_t *reply;
	uint64_t v;

	ck_assert_int_eq(call(chan, req(chan, "ids"), &reply), 0);
	v = nvlist_get_number(reply, what);
	nvlist_destroy(reply);
	return v;
}

static int set_words(cap_channel_t *chan, int n, const char *const *words)
{
	nvlist_t *limits = nvlist_create(0);

	for (int i = 0; i < n; i++)
		nvlist_add_null(limits, words[i]);
	return cap_limit_set(chan, limits);
}

/* Gone or a zombie: a process that runs no more. */
static int dead(pid_t pid)
{
	char path[64], buf[256], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 1;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && (p[2] == 'Z' || p[2] == 'X');
}

static int wait_dead(pid_t pid)
{
	for (int i = 0; i < 500; i++) {
		if (dead(pid))
			return 1;
		usleep(10000);
	}
	return 0;
}

/* ---- channels and the Casper process ---- */

START_TEST(service_used_from_capability_mode)
{
	cap_channel_t *chan = open_service("test.echo");
	unsigned mode = 0;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_getmode(&mode), 0);
	ck_assert_uint_eq(mode, 1);
	ck_assert_int_eq(echo(chan, "hello"), 0);
	ck_assert_int_eq(echo(chan, "world"), 0);
	cap_close(chan);
}
END_TEST

START_TEST(open_after_cap_enter_through_existing_channel)
{
	cap_channel_t *casper = cap_init(), *chan;

	ck_assert_ptr_nonnull(casper);
	ck_assert_int_eq(cap_enter(), 0);
	chan = cap_service_open(casper, "test.echo");
	ck_assert_ptr_nonnull(chan);
	ck_assert_int_eq(echo(chan, "x"), 0);
	cap_close(chan);
	cap_close(casper);
}
END_TEST

START_TEST(init_in_capability_mode_fails)
{
	ck_assert_int_eq(cap_enter(), 0);
	errno = 0;
	ck_assert_ptr_null(cap_init());
	ck_assert_int_eq(errno, ECAPMODE);
}
END_TEST

START_TEST(unknown_service)
{
	cap_channel_t *casper = cap_init();

	ck_assert_ptr_nonnull(casper);
	errno = 0;
	ck_assert_ptr_null(cap_service_open(casper, "system.nonexistent"));
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_ptr_null(cap_service_open(casper, "core.casper"));
	ck_assert_int_eq(errno, ENOENT);
	cap_close(casper);
}
END_TEST

START_TEST(service_limit_narrows_casper)
{
	const char *one[] = {"test.echo"}, *two[] = {"test.echo", "test.plain"};
	cap_channel_t *casper = cap_init(), *chan;
	nvlist_t *limits;

	ck_assert_ptr_nonnull(casper);
	ck_assert_int_eq(cap_limit_get(casper, &limits), 0);
	ck_assert_ptr_null(limits);
	ck_assert_int_eq(cap_service_limit(casper, one, 1), 0);
	errno = 0;
	ck_assert_ptr_null(cap_service_open(casper, "test.plain"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_fails(cap_service_limit(casper, two, 2), ENOTCAPABLE);
	/* A name that is not a NULL entry is malformed. */
	limits = nvlist_create(0);
	nvlist_add_string(limits, "test.echo", "x");
	ck_assert_fails(cap_limit_set(casper, limits), EINVAL);
	ck_assert_fails(cap_limit_set(casper, NULL), ENOTCAPABLE);
	chan = cap_service_open(casper, "test.echo");
	ck_assert_ptr_nonnull(chan);
	ck_assert_int_eq(cap_limit_get(casper, &limits), 0);
	ck_assert_ptr_nonnull(limits);
	ck_assert(nvlist_exists_null(limits, "test.echo"));
	ck_assert(!nvlist_exists(limits, "test.plain"));
	nvlist_destroy(limits);
	cap_close(chan);
	cap_close(casper);
}
END_TEST

START_TEST(service_limits_only_narrow)
{
	const char *ab[] = {"a", "b"}, *a[] = {"a"}, *c[] = {"c"};
	cap_channel_t *chan = open_service("test.echo");
	nvlist_t *limits;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(echo(chan, "anything"), 0);
	ck_assert_int_eq(set_words(chan, 2, ab), 0);
	ck_assert_int_eq(echo(chan, "a"), 0);
	ck_assert_int_eq(echo(chan, "c"), ENOTCAPABLE);
	ck_assert_fails(set_words(chan, 1, c), ENOTCAPABLE);
	ck_assert_int_eq(set_words(chan, 1, a), 0);
	ck_assert_int_eq(echo(chan, "b"), ENOTCAPABLE);
	ck_assert_fails(set_words(chan, 2, ab), ENOTCAPABLE);
	ck_assert_fails(cap_limit_set(chan, NULL), ENOTCAPABLE);
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_ptr_nonnull(limits);
	ck_assert(nvlist_exists_null(limits, "a") && !nvlist_exists(limits, "b"));
	nvlist_destroy(limits);
	ck_assert_int_eq(echo(chan, "a"), 0);
	cap_close(chan);
}
END_TEST

/* Each limit stacks a Landlock layer; the kernel's 16 do not cap limits. */
START_TEST(more_limits_than_landlock_layers)
{
	const char *ab[] = {"a", "b"}, *a[] = {"a"};
	cap_channel_t *chan = open_service("test.echo");

	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(set_words(chan, 2, ab), 0);
	ck_assert_int_eq(set_words(chan, 1, a), 0);
	ck_assert_int_eq(echo(chan, "b"), ENOTCAPABLE);
	ck_assert_int_eq(echo(chan, "a"), 0);
	ck_assert_int_eq(read_path(chan, "/etc/passwd"), 0);
	cap_close(chan);
}
END_TEST

START_TEST(clone_has_own_limits)
{
	const char *ab[] = {"a", "b"}, *a[] = {"a"};
	cap_channel_t *chan = open_service("test.echo"), *copy;

	ck_assert_int_eq(set_words(chan, 2, ab), 0);
	ck_assert_int_eq(cap_enter(), 0);
	copy = cap_clone(chan);
	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(cap_channel_flags(copy), cap_channel_flags(chan));
	ck_assert_int_eq(echo(copy, "b"), 0);
	ck_assert_int_eq(echo(copy, "c"), ENOTCAPABLE);
	ck_assert_int_eq(set_words(copy, 1, a), 0);
	ck_assert_int_eq(echo(copy, "b"), ENOTCAPABLE);
	ck_assert_int_eq(echo(chan, "b"), 0);
	/* Both served by one process. */
	ck_assert_uint_eq(ask_id(copy, "pid"), ask_id(chan, "pid"));
	cap_close(chan);
	ck_assert_int_eq(echo(copy, "a"), 0);
	cap_close(copy);
}
END_TEST

START_TEST(no_uniq_service_flags)
{
	cap_channel_t *chan = open_service("test.plain");
	nvlist_t *limits;

	ck_assert_int_eq(cap_channel_flags(chan), CASPER_NO_UNIQ);
	limits = nvlist_create(NV_FLAG_NO_UNIQUE);
	nvlist_add_null(limits, "a");
	nvlist_add_null(limits, "a");
	ck_assert_int_eq(cap_limit_set(chan, limits), 0);
	ck_assert_int_eq(echo(chan, "a"), 0);
	ck_assert_int_eq(echo(chan, "b"), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

START_TEST(wrap_and_unwrap)
{
	int sv[2], flags = -1;
	cap_channel_t *chan;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	errno = 0;
	ck_assert_ptr_null(cap_wrap(sv[0], 0x2));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(cap_wrap(-1, 0));
	chan = cap_wrap(sv[0], CASPER_NO_UNIQ);
	ck_assert_ptr_nonnull(chan);
	ck_assert_int_eq(cap_sock(chan), sv[0]);
	ck_assert_int_eq(cap_channel_flags(chan), CASPER_NO_UNIQ);
	ck_assert_int_eq(cap_unwrap(chan, &flags), sv[0]);
	ck_assert_int_eq(flags, CASPER_NO_UNIQ);
	ck_assert_int_eq(fcntl(sv[0], F_GETFD), 0); /* still open */
}
END_TEST

START_TEST(unwrapped_service_channel_rewrapped)
{
	cap_channel_t *chan = open_service("test.echo");
	int flags, sock = cap_unwrap(chan, &flags);

	chan = cap_wrap(sock, flags);
	ck_assert_ptr_nonnull(chan);
	ck_assert_int_eq(echo(chan, "again"), 0);
	cap_close(chan);
}
END_TEST

START_TEST(not_a_channel_aborts)
{
	uint64_t junk[4] = {0};

	(void)cap_sock((cap_channel_t *)junk);
}
END_TEST

/* ---- the service process ---- */

START_TEST(service_holds_only_its_channel)
{
	int spare = open("/etc/passwd", O_RDONLY), n;
	cap_channel_t *chan;

	ck_assert_int_ge(spare, 0);
	n = dup2(spare, 40);
	ck_assert_int_eq(n, 40);
	chan = open_service("test.echo");
	/* stdio on /dev/null and the channel; nothing of the program. */
	ck_assert_uint_eq(ask_id(chan, "fds"), 4);
	ck_assert_uint_eq(ask_id(chan, "nnp"), 1);
	cap_close(chan);
	chan = open_service("test.plain");
	ck_assert_uint_eq(ask_id(chan, "fds"), 4); /* stdio kept */
	cap_close(chan);
	/* Keeping descriptors keeps none of the Casper process's connections. */
	chan = open_service("test.fd");
	ck_assert_uint_eq(ask_id(chan, "fds"), 4);
	cap_close(chan);
}
END_TEST

START_TEST(service_is_confined)
{
	cap_channel_t *chan = open_service("test.echo");

	ck_assert_int_eq(read_path(chan, "/etc/passwd"), 0);
	if (landlock_present()) {
		ck_assert_int_eq(read_path(chan, "/proc/self/status"), EACCES);
		ck_assert_int_eq(read_path(chan, "/usr/bin/env"), EACCES);
	} else {
		ck_assert_int_eq(read_path(chan, "/proc/self/status"), 0);
	}
	cap_close(chan);
	chan = open_service("test.plain"); /* registered without confinement */
	ck_assert_int_eq(read_path(chan, "/proc/self/status"), 0);
	cap_close(chan);
}
END_TEST

/*
 * A number the program limited keeps its rule in every fork, open or
 * closed; the service's own descriptors must not land on it.
 */
START_TEST(service_avoids_limited_numbers)
{
	cap_rights_t rights;
	cap_channel_t *chan;

	/* Open in the program (so the program's own sockets avoid it). */
	ck_assert_int_eq(dup2(0, 6), 6);
	cap_rights_init(&rights, CAP_FSTAT);
	ck_assert_int_eq(cap_rights_limit(6, &rights), 0);
	chan = open_service("test.echo");
	/* In the service, 6 is free but ruled: twelve files open at once. */
	ck_assert_int_eq(read_path_n(chan, "/etc/passwd", 12), 0);
	cap_close(chan);
}
END_TEST

START_TEST(casper_dies_with_its_channel_services_stay)
{
	cap_channel_t *casper = cap_init(), *chan;
	pid_t cpid;

	ck_assert_ptr_nonnull(casper);
	chan = cap_service_open(casper, "test.echo");
	ck_assert_ptr_nonnull(chan);
	cpid = (pid_t)ask_id(chan, "ppid");
	ck_assert(!dead(cpid));
	cap_close(casper);
	ck_assert(wait_dead(cpid));
	ck_assert_int_eq(echo(chan, "still"), 0);
	cap_close(chan);
}
END_TEST

START_TEST(service_exits_with_its_last_client)
{
	cap_channel_t *chan = open_service("test.echo"), *copy;
	pid_t spid = (pid_t)ask_id(chan, "pid");

	copy = cap_clone(chan);
	ck_assert_ptr_nonnull(copy);
	cap_close(chan);
	usleep(50000);
	ck_assert(!dead(spid));
	cap_close(copy);
	ck_assert(wait_dead(spid));
}
END_TEST

/* ---- hostile clients ---- */

START_TEST(malformed_requests_refused)
{
	cap_channel_t *chan = open_service("test.echo");
	const char *a[] = {"a"};
	nvlist_t *nvl;

	ck_assert_int_eq(set_words(chan, 1, a), 0);
	ck_assert_int_eq(cap_enter(), 0);
	nvl = nvlist_create(0); /* no cmd */
	ck_assert_int_eq(call(chan, nvl, NULL), EINVAL);
	nvl = nvlist_create(0); /* cmd of the wrong type */
	nvlist_add_number(nvl, "cmd", 7);
	ck_assert_int_eq(call(chan, nvl, NULL), EINVAL);
	nvl = nvlist_create(0); /* an argument missing */
	nvlist_add_string(nvl, "cmd", "echo");
	ck_assert_int_eq(call(chan, nvl, NULL), EINVAL);
	nvl = nvlist_create(0); /* an argument of the wrong type */
	nvlist_add_string(nvl, "cmd", "echo");
	nvlist_add_number(nvl, "word", 1);
	ck_assert_int_eq(call(chan, nvl, NULL), EINVAL);
	nvl = nvlist_create(0); /* limits of the wrong type */
	nvlist_add_string(nvl, "cmd", "limit_set");
	nvlist_add_string(nvl, "limits", "a");
	ck_assert_int_eq(call(chan, nvl, NULL), EINVAL);
	nvl = nvlist_create(0); /* limit_set without limits */
	nvlist_add_string(nvl, "cmd", "limit_set");
	ck_assert_int_eq(call(chan, nvl, NULL), EINVAL);
	nvl = nvlist_create(0); /* an unknown command */
	nvlist_add_string(nvl, "cmd", "format_disk");
	ck_assert_int_eq(call(chan, nvl, NULL), EINVAL);
	/* Still serving, still limited. */
	ck_assert_int_eq(echo(chan, "a"), 0);
	ck_assert_int_eq(echo(chan, "b"), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

START_TEST(garbage_drops_only_that_connection)
{
	cap_channel_t *chan = open_service("test.echo"), *copy;
	const char *a[] = {"a"};
	char junk[4096];

	ck_assert_int_eq(set_words(chan, 1, a), 0);
	copy = cap_clone(chan);
	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(cap_enter(), 0);
	memset(junk, 0xa5, sizeof(junk));
	ck_assert_int_eq(send(cap_sock(copy), junk, sizeof(junk), MSG_NOSIGNAL),
	                 (ssize_t)sizeof(junk));
	/* The service hangs up on the garbage: no reply, no crash. */
	ck_assert_int_eq(echo(copy, "a"), -1);
	ck_assert_int_eq(echo(chan, "a"), 0);
	ck_assert_int_eq(echo(chan, "b"), ENOTCAPABLE);
	cap_close(copy);
	cap_close(chan);
}
END_TEST

START_TEST(huge_declared_size_refused)
{
	cap_channel_t *chan = open_service("test.echo"), *copy;
	unsigned char hdr[64];

	copy = cap_clone(chan);
	ck_assert_ptr_nonnull(copy);
	memset(hdr, 0xff, sizeof(hdr));
	ck_assert_int_eq(send(cap_sock(copy), hdr, sizeof(hdr), MSG_NOSIGNAL),
	                 (ssize_t)sizeof(hdr));
	ck_assert_int_eq(echo(copy, "a"), -1);
	ck_assert_int_eq(echo(chan, "a"), 0);
	cap_close(copy);
	cap_close(chan);
}
END_TEST

START_TEST(descriptor_flood)
{
	cap_channel_t *chan = open_service("test.echo");
	nvlist_t *nvl = nvlist_create(0);
	char name[32];

	nvlist_add_string(nvl, "cmd", "echo");
	nvlist_add_string(nvl, "word", "w");
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "fd%d", i);
		nvlist_add_descriptor(nvl, name, 0);
	}
	ck_assert_int_eq(call(chan, nvl, NULL), 0);
	/* The service closed what it received with the request. */
	ck_assert_uint_eq(ask_id(chan, "fds"), 4);
	cap_close(chan);
}
END_TEST

START_TEST(service_crash_is_an_error_not_a_signal)
{
	cap_channel_t *chan = open_service("test.echo");
	nvlist_t *nvl;

	ck_assert_int_eq(cap_enter(), 0);
	nvl = nvlist_create(0);
	nvlist_add_string(nvl, "cmd", "crash");
	errno = 0;
	ck_assert_ptr_null(cap_xfer_nvlist(chan, nvl));
	ck_assert_int_ne(errno, 0);
	/* Writing to the dead service: an error, not SIGPIPE. */
	ck_assert_int_eq(echo(chan, "a"), -1);
	ck_assert_int_eq(echo(chan, "a"), -1);
	cap_close(chan);
}
END_TEST

START_TEST(client_dies_mid_request)
{
	cap_channel_t *chan = open_service("test.echo"), *copy = cap_clone(chan);
	nvlist_t *reply;
	pid_t child;
	int status;

	ck_assert_ptr_nonnull(copy);
	child = fork();
	if (child == 0) {
		nvlist_t *nvl = nvlist_create(0);

		nvlist_add_string(nvl, "cmd", "echo");
		nvlist_add_string(nvl, "word", "w");
		(void)cap_send_nvlist(copy, nvl);
		_exit(0); /* never reads the reply */
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	/* The reply the child left unread comes first, then ours. */
	reply = cap_recv_nvlist(copy);
	ck_assert_ptr_nonnull(reply);
	ck_assert_str_eq(nvlist_get_string(reply, "word"), "w");
	nvlist_destroy(reply);
	ck_assert_int_eq(echo(copy, "x"), 0);
	cap_close(copy);
	ck_assert_int_eq(echo(chan, "y"), 0);
	cap_close(chan);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("casper");
	TCase *tc = tcase_create("channels");
	TCase *sp = tcase_create("service_process");
	TCase *hc = tcase_create("hostile");

	tcase_add_test(tc, service_used_from_capability_mode);
	tcase_add_test(tc, open_after_cap_enter_through_existing_channel);
	tcase_add_test(tc, init_in_capability_mode_fails);
	tcase_add_test(tc, unknown_service);
	tcase_add_test(tc, service_limit_narrows_casper);
	tcase_add_test(tc, service_limits_only_narrow);
	tcase_add_test(tc, more_limits_than_landlock_layers);
	tcase_add_test(tc, clone_has_own_limits);
	tcase_add_test(tc, no_uniq_service_flags);
	tcase_add_test(tc, wrap_and_unwrap);
	tcase_add_test(tc, unwrapped_service_channel_rewrapped);
	tcase_add_test_raise_signal(tc, not_a_channel_aborts, SIGABRT);
	suite_add_tcase(s, tc);
	tcase_add_test(sp, service_holds_only_its_channel);
	tcase_add_test(sp, service_is_confined);
	tcase_add_test(sp, service_avoids_limited_numbers);
	tcase_add_test(sp, casper_dies_with_its_channel_services_stay);
	tcase_add_test(sp, service_exits_with_its_last_client);
	suite_add_tcase(s, sp);
	tcase_add_test(hc, malformed_requests_refused);
	tcase_add_test(hc, garbage_drops_only_that_connection);
	tcase_add_test(hc, huge_declared_size_refused);
	tcase_add_test(hc, descriptor_flood);
	tcase_add_test(hc, service_crash_is_an_error_not_a_signal);
	tcase_add_test(hc, client_dies_mid_request);
	suite_add_tcase(s, hc);
	return s;
}

TEST_MAIN()
