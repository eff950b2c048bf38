/*
 * system.syslog.  The GNU C library always logs to /dev/log, which a
 * test cannot replace without privileges, so this program defines
 * openlog, syslog, closelog and setlogmask itself: they interpose on the
 * C library's for libcap_syslog in the service process (a fork of this
 * program) and either record each call on the service's stdout (a pipe
 * the test reads; the service keeps stdio) or pass it on to the C
 * library.  Passed on, LOG_PERROR shows what syslog(3) made of a
 * message on the service's stderr, compared with the plain call here.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <casper/cap_syslog.h>
#include <libcasper.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "casper_test.h"
#include "harness.h"

/* ---- the C library's calls, recorded or passed on ---- */

static int recording; /* set before cap_init(): the service inherits it */

static void *next_fn(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (fn == NULL)
		abort();
	return fn;
}

void openlog(const char *ident, int option, int facility)
{
	if (!recording) {
		((void (*)(const char *, int, int))next_fn("openlog"))(ident, option, facility);
		return;
	}
	dprintf(1, "openlog|%s|%d|%d\n", ident != NULL ? ident : "(null)", option, facility);
}

void closelog(void)
{
	if (!recording) {
		((void (*)(void))next_fn("closelog"))();
		return;
	}
	dprintf(1, "closelog\n");
}

int setlogmask(int mask)
{
	static int current = 0xff;
	int old = current;

	if (!recording)
		return ((int (*)(int))next_fn("setlogmask"))(mask);
	if (mask != 0)
		current = mask;
	dprintf(1, "setlogmask|%d\n", mask);
	return old;
}

/* Records the format, and the message when the format is "%s". */
void syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!recording) {
		vsyslog(pri, fmt, ap);
	} else if (strcmp(fmt, "%s") == 0) {
		const char *msg = va_arg(ap, const char *);

		dprintf(1, "syslog|%d|%s|%zu|%.200s\n", pri, fmt, strlen(msg), msg);
	} else {
		dprintf(1, "syslog|%d|%s|-|-\n", pri, fmt);
	}
	va_end(ap);
}

/* ---- helpers ---- */

/* Up to a newline from fd, waiting at most 5 s; "" if nothing came. */
static char *read_line(int fd)
{
	static char line[1024];
	size_t n = 0;

	while (n < sizeof(line) - 1) {
		struct pollfd p = {fd, POLLIN, 0};

		if (poll(&p, 1, 5000) != 1 || read(fd, &line[n], 1) != 1)
			break;
		if (line[n++] == '\n')
			break;
	}
	line[n] = '\0';
	return line;
}

/* Nothing more on fd within a short while. */
static int quiet(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	return poll(&p, 1, 200) == 0;
}

/*
 * A system.syslog channel whose service has fd (a pipe's write end)
 * as stdout or stderr; *rd gets the read end.
 */
static cap_channel_t *open_syslog(int target, int *rd)
{
	cap_channel_t *cas, *chan;
	int p[2], saved;

	ck_assert_int_eq(pipe(p), 0);
	saved = dup(target);
	ck_assert_int_eq(dup2(p[1], target), target);
	cas = cap_init();
	ck_assert_int_eq(dup2(saved, target), target);
	close(saved);
	close(p[1]);
	ck_assert_msg(cas != NULL, "cap_init: %s", strerror(errno));
	chan = cap_service_open(cas, "system.syslog");
	ck_assert_msg(chan != NULL, "cap_service_open: %s", strerror(errno));
	cap_close(cas);
	*rd = p[0];
	return chan;
}

static cap_channel_t *recorded(int *rd)
{
	recording = 1;
	return open_syslog(1, rd);
}

/* ---- recorded ---- */

START_TEST(calls_reach_the_service)
{
	int rd, old;
	cap_channel_t *chan = recorded(&rd);
	char want[128];

	ck_assert_int_eq(cap_enter(), 0);
	cap_openlog(chan, "captest", LOG_PID | LOG_NDELAY, LOG_LOCAL3);
	snprintf(want, sizeof(want), "openlog|captest|%d|%d\n", LOG_PID | LOG_NDELAY, LOG_LOCAL3);
	ck_assert_str_eq(read_line(rd), want);
	cap_syslog(chan, LOG_NOTICE | LOG_DAEMON, "hello %d %s", 42, "world");
	snprintf(want, sizeof(want), "syslog|%d|%%s|14|hello 42 world\n", LOG_NOTICE | LOG_DAEMON);
	ck_assert_str_eq(read_line(rd), want);
	old = cap_setlogmask(chan, LOG_UPTO(LOG_ERR));
	ck_assert_int_eq(old, 0xff);
	snprintf(want, sizeof(want), "setlogmask|%d\n", LOG_UPTO(LOG_ERR));
	ck_assert_str_eq(read_line(rd), want);
	ck_assert_int_eq(cap_setlogmask(chan, 0), LOG_UPTO(LOG_ERR));
	ck_assert_str_eq(read_line(rd), "setlogmask|0\n");
	cap_openlog(chan, NULL, 0, LOG_USER);
	snprintf(want, sizeof(want), "openlog|captest|0|%d\n", LOG_USER);
	ck_assert_str_eq(read_line(rd), want);
	cap_closelog(chan);
	ck_assert_str_eq(read_line(rd), "closelog\n");
	cap_openlog(chan, NULL, 0, LOG_USER);
	snprintf(want, sizeof(want), "openlog|(null)|0|%d\n", LOG_USER);
	ck_assert_str_eq(read_line(rd), want);
	ck_assert(quiet(rd));
	cap_close(chan);
}
END_TEST

/* The client formats; the service logs the result with "%s". */
START_TEST(message_never_a_format)
{
	int rd;
	cap_channel_t *chan = recorded(&rd);
	const char *nasty = "100%s %n %m %x %%";
	char want[128];

	ck_assert_int_eq(cap_enter(), 0);
	cap_syslog(chan, LOG_INFO, "%s", nasty);
	snprintf(want, sizeof(want), "syslog|%d|%%s|%zu|%s\n", LOG_INFO, strlen(nasty), nasty);
	ck_assert_str_eq(read_line(rd), want);
	cap_close(chan);
}
END_TEST

START_TEST(percent_m_is_the_clients_errno)
{
	int rd;
	cap_channel_t *chan = recorded(&rd);
	char want[256], msg[128];

	ck_assert_int_eq(cap_enter(), 0);
	snprintf(msg, sizeof(msg), "failed: %s", strerror(ENOENT));
	snprintf(want, sizeof(want), "syslog|%d|%%s|%zu|%s\n", LOG_ERR, strlen(msg), msg);
	errno = ENOENT;
	cap_syslog(chan, LOG_ERR, "failed: %m");
	ck_assert_int_eq(errno, ENOENT); /* as syslog(3) leaves it */
	ck_assert_str_eq(read_line(rd), want);
	cap_close(chan);
}
END_TEST

/* At most 1023 characters, as FreeBSD's client. */
START_TEST(long_message_cut)
{
	int rd;
	cap_channel_t *chan = recorded(&rd);
	char big[3000], want[256];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(cap_enter(), 0);
	cap_syslog(chan, LOG_INFO, "%s", big);
	snprintf(want, sizeof(want), "syslog|%d|%%s|1023|%.200s\n", LOG_INFO, big);
	ck_assert_str_eq(read_line(rd), want);
	cap_close(chan);
}
END_TEST

/* ---- through the C library ---- */

/* What the plain calls print on stderr with LOG_PERROR, in a child. */
static char *plain_perror(const char *ident, int pri, const char *msg)
{
	static char line[1024];
	int p[2], st;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], 2);
		openlog(ident, LOG_PERROR, LOG_USER);
		syslog(pri, "%s", msg);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	strcpy(line, read_line(p[0]));
	close(p[0]);
	return line;
}

START_TEST(log_perror_as_libc)
{
	char want[3][1024];
	cap_channel_t *chan;
	int rd;

	recording = 0;
	strcpy(want[0], plain_perror("captest", LOG_INFO, "value 7"));
	strcpy(want[1], plain_perror("captest", LOG_ERR, "50%s done %n"));
	strcpy(want[2], plain_perror("captest", LOG_ERR, "shown"));
	ck_assert_str_eq(want[0], "captest: value 7\n");
	chan = open_syslog(2, &rd);
	ck_assert_int_eq(cap_enter(), 0);
	cap_openlog(chan, "captest", LOG_PERROR, LOG_USER);
	cap_syslog(chan, LOG_INFO, "value %d", 7);
	ck_assert_str_eq(read_line(rd), want[0]);
	cap_syslog(chan, LOG_ERR, "%s", "50%s done %n");
	ck_assert_str_eq(read_line(rd), want[1]);
	/* The mask is the service's. */
	ck_assert_int_eq(cap_setlogmask(chan, LOG_MASK(LOG_ERR)), 0xff);
	cap_syslog(chan, LOG_INFO, "hidden");
	cap_syslog(chan, LOG_ERR, "shown");
	ck_assert_str_eq(read_line(rd), want[2]);
	ck_assert_int_eq(cap_setlogmask(chan, 0), LOG_MASK(LOG_ERR));
	ck_assert(quiet(rd));
	cap_closelog(chan);
	cap_close(chan);
}
END_TEST

/* ---- limits and hostile requests ---- */

START_TEST(no_limits)
{
	int rd;
	cap_channel_t *chan = recorded(&rd);
	nvlist_t *limits;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_fails(cap_limit_set(chan, nvlist_create(0)), EOPNOTSUPP);
	limits = nvlist_create(0);
	nvlist_add_null(limits, "vsyslog");
	ck_assert_fails(cap_limit_set(chan, limits), EOPNOTSUPP);
	ck_assert_int_eq(cap_limit_set(chan, NULL), 0);
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_ptr_null(limits);
	cap_syslog(chan, LOG_INFO, "still");
	ck_assert_str_eq(read_line(rd), "syslog|6|%s|5|still\n");
	cap_close(chan);
}
END_TEST

/* The service still logs, and still takes no limits. */
static void still_sound(cap_channel_t *chan, int rd)
{
	cap_syslog(chan, LOG_INFO, "ok");
	ck_assert_str_eq(read_line(rd), "syslog|6|%s|2|ok\n");
	ck_assert_fails(cap_limit_set(chan, nvlist_create(0)), EOPNOTSUPP);
}

START_TEST(hostile_requests)
{
	int rd;
	cap_channel_t *chan = recorded(&rd);
	char *huge = malloc(200000), want[512];
	nvlist_t *nvl;

	memset(huge, 'h', 199999);
	huge[199999] = '\0';
	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(raw_error(chan, raw_request(NULL)), EINVAL);
	still_sound(chan, rd);
	nvl = raw_request(NULL);
	nvlist_add_number(nvl, "cmd", 3);
	ck_assert_int_eq(raw_error(chan, nvl), EINVAL);
	still_sound(chan, rd);
	ck_assert_int_eq(raw_error(chan, raw_request("unlink")), EINVAL);
	still_sound(chan, rd);
	ck_assert_int_eq(raw_error(chan, raw_request("vsyslog")), EINVAL);
	still_sound(chan, rd);
	nvl = raw_request("vsyslog");
	nvlist_add_number(nvl, "priority", LOG_INFO);
	nvlist_add_number(nvl, "message", 5);
	ck_assert_int_eq(raw_error(chan, nvl), EINVAL);
	still_sound(chan, rd);
	nvl = raw_request("vsyslog");
	nvlist_add_string(nvl, "priority", "info");
	nvlist_add_string(nvl, "message", "m");
	ck_assert_int_eq(raw_error(chan, nvl), EINVAL);
	still_sound(chan, rd);
	ck_assert_int_eq(raw_error(chan, raw_request("openlog")), EINVAL);
	still_sound(chan, rd);
	nvl = raw_request("openlog");
	nvlist_add_number(nvl, "ident", 1);
	nvlist_add_number(nvl, "logopt", 0);
	nvlist_add_number(nvl, "facility", LOG_USER);
	ck_assert_int_eq(raw_error(chan, nvl), EINVAL);
	still_sound(chan, rd);
	ck_assert_int_eq(raw_error(chan, raw_request("setlogmask")), EINVAL);
	still_sound(chan, rd);
	/* A long message and a huge priority go through as they are. */
	nvl = raw_request("vsyslog");
	nvlist_add_number(nvl, "priority", UINT64_MAX);
	nvlist_add_string(nvl, "message", huge);
	ck_assert_int_eq(raw_error(chan, nvl), 0);
	snprintf(want, sizeof(want), "syslog|-1|%%s|199999|%.200s\n", huge);
	ck_assert_str_eq(read_line(rd), want);
	still_sound(chan, rd);
	cap_close(chan);
	free(huge);
}
END_TEST

/* ---- the stand-ins of a program built without Casper ---- */

#undef _CAP_SYSLOG_H_
#undef WITH_CASPER
#undef HAVE_CASPER
#define cap_syslog(...)     mock_syslog(__VA_ARGS__)
#define cap_vsyslog(...)    mock_vsyslog(__VA_ARGS__)
#define cap_openlog(...)    mock_openlog(__VA_ARGS__)
#define cap_closelog(...)   mock_closelog(__VA_ARGS__)
#define cap_setlogmask(...) mock_setlogmask(__VA_ARGS__)
#include <casper/cap_syslog.h>

START_TEST(without_casper)
{
	char want[1024];
	int p[2];

	recording = 0;
	strcpy(want, plain_perror("mock", LOG_WARNING, "n=5 100%"));
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(dup2(p[1], 2), 2);
	mock_openlog(NULL, "mock", LOG_PERROR, LOG_USER);
	mock_syslog(NULL, LOG_WARNING, "n=%d %d%%", 5, 100);
	ck_assert_str_eq(read_line(p[0]), want);
	ck_assert_int_eq(mock_setlogmask(NULL, LOG_MASK(LOG_ERR)), 0xff);
	mock_syslog(NULL, LOG_WARNING, "hidden");
	ck_assert(quiet(p[0]));
	mock_closelog(NULL);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cap_syslog");
	TCase *tc = tcase_create("syslog");

	tcase_add_test(tc, calls_reach_the_service);
	tcase_add_test(tc, message_never_a_format);
	tcase_add_test(tc, percent_m_is_the_clients_errno);
	tcase_add_test(tc, long_message_cut);
	tcase_add_test(tc, log_perror_as_libc);
	tcase_add_test(tc, no_limits);
	tcase_add_test(tc, hostile_requests);
	tcase_add_test(tc, without_casper);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
