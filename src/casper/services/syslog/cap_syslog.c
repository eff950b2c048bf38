/*
 * system.syslog: syslog(3) for a program in capability mode.
 *
 * The client formats the message itself (vsnprintf, so %m is its own
 * errno) into at most MESSAGE_MAX bytes, as FreeBSD does; the service
 * logs it with "%s" and never reads it as a format.  The service keeps
 * the program's stdio, so LOG_PERROR copies go to the stderr the program
 * had when cap_init() forked the Casper process.  Nothing to limit: any
 * limits list is refused with EOPNOTSUPP, FreeBSD's answer for a service
 * without a limit function.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libcasper.h>
#include <libcasper_service.h>
#include <sys/nv.h>

#include <casper/cap_syslog.h>

#define SYSLOG_API  __attribute__((visibility("default")))
#define MESSAGE_MAX 1024

/* ---- client ---- */

static nvlist_t *slog_request(const char *cmd)
{
	nvlist_t *nvl = nvlist_create(0);

	nvlist_add_string(nvl, "cmd", cmd);
	return nvl;
}

/* The reply to nvl, or NULL; the caller's errno survives either way. */
static nvlist_t *slog_xfer(cap_channel_t *chan, nvlist_t *nvl, int err)
{
	nvl = cap_xfer_nvlist(chan, nvl);
	errno = err;
	return nvl;
}

SYSLOG_API void cap_vsyslog(cap_channel_t *chan, int priority, const char *fmt, va_list ap)
{
	char message[MESSAGE_MAX];
	int err = errno;
	nvlist_t *nvl;

	vsnprintf(message, sizeof(message), fmt, ap);
	nvl = slog_request("vsyslog");
	nvlist_add_number(nvl, "priority", (uint64_t)(unsigned)priority);
	nvlist_add_string(nvl, "message", message);
	nvlist_destroy(slog_xfer(chan, nvl, err));
}

SYSLOG_API void cap_syslog(cap_channel_t *chan, int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cap_vsyslog(chan, pri, fmt, ap);
	va_end(ap);
}

SYSLOG_API void cap_openlog(cap_channel_t *chan, const char *ident, int logopt, int facility)
{
	nvlist_t *nvl = slog_request("openlog");

	if (ident != NULL)
		nvlist_add_string(nvl, "ident", ident);
	nvlist_add_number(nvl, "logopt", (uint64_t)(unsigned)logopt);
	nvlist_add_number(nvl, "facility", (uint64_t)(unsigned)facility);
	nvlist_destroy(slog_xfer(chan, nvl, errno));
}

SYSLOG_API void cap_closelog(cap_channel_t *chan)
{
	nvlist_destroy(slog_xfer(chan, slog_request("closelog"), errno));
}

/* The previous mask; -1 (errno set) when the service cannot be asked. */
SYSLOG_API int cap_setlogmask(cap_channel_t *chan, int maskpri)
{
	nvlist_t *nvl = slog_request("setlogmask");
	int omask;

	nvlist_add_number(nvl, "maskpri", (uint64_t)(unsigned)maskpri);
	if ((nvl = cap_xfer_nvlist(chan, nvl)) == NULL)
		return -1;
	if (nvlist_get_number(nvl, "error") != 0 || !nvlist_exists_number(nvl, "omask")) {
		errno = nvlist_get_number(nvl, "error") != 0 ? (int)nvlist_get_number(nvl, "error")
		                                             : EPROTO;
		nvlist_destroy(nvl);
		return -1;
	}
	omask = (int)nvlist_get_number(nvl, "omask");
	nvlist_destroy(nvl);
	return omask;
}

/* ---- service ---- */

/* openlog() keeps the pointer: the identity lives here until closelog. */
static char *log_ident;

static int slog_vsyslog(const nvlist_t *nvlin)
{
	if (!nvlist_exists_number(nvlin, "priority") || !nvlist_exists_string(nvlin, "message"))
		return EINVAL;
	syslog((int)nvlist_get_number(nvlin, "priority"), "%s",
	       nvlist_get_string(nvlin, "message"));
	return 0;
}

static int slog_openlog(const nvlist_t *nvlin)
{
	char *ident = NULL;

	if (!nvlist_exists_number(nvlin, "logopt") || !nvlist_exists_number(nvlin, "facility") ||
	    (nvlist_exists(nvlin, "ident") && !nvlist_exists_string(nvlin, "ident")))
		return EINVAL;
	if (nvlist_exists_string(nvlin, "ident") &&
	    (ident = strdup(nvlist_get_string(nvlin, "ident"))) == NULL)
		return ENOMEM;
	openlog(ident != NULL ? ident : log_ident, (int)nvlist_get_number(nvlin, "logopt"),
	        (int)nvlist_get_number(nvlin, "facility"));
	if (ident != NULL) {
		free(log_ident);
		log_ident = ident;
	}
	return 0;
}

static int slog_closelog(void)
{
	closelog();
	free(log_ident);
	log_ident = NULL;
	return 0;
}

static int slog_setlogmask(const nvlist_t *nvlin, nvlist_t *nvlout)
{
	if (!nvlist_exists_number(nvlin, "maskpri"))
		return EINVAL;
	nvlist_add_number(nvlout, "omask",
	                  (uint64_t)(unsigned)setlogmask((int)nvlist_get_number(nvlin, "maskpri")));
	return 0;
}

static int syslog_command(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin,
                          nvlist_t *nvlout)
{
	(void)limits;
	if (strcmp(cmd, "vsyslog") == 0)
		return slog_vsyslog(nvlin);
	if (strcmp(cmd, "openlog") == 0)
		return slog_openlog(nvlin);
	if (strcmp(cmd, "closelog") == 0)
		return slog_closelog();
	if (strcmp(cmd, "setlogmask") == 0)
		return slog_setlogmask(nvlin, nvlout);
	return EINVAL;
}

static int syslog_limit(const nvlist_t *oldlimits, const nvlist_t *newlimits)
{
	(void)oldlimits;
	(void)newlimits;
	return EOPNOTSUPP;
}

/* The time zone for the messages' time stamps; /dev/log is a socket. */
static int syslog_confine(const nvlist_t *limits)
{
	static const char *const paths[] = {"/etc", "/usr/share/zoneinfo"};
	static const int access[] = {CASPER_PATH_READ, CASPER_PATH_READ};
	int err;

	(void)limits;
	err = casper_confine_paths(paths, access, 2, 0);
	return err == ENOSYS ? 0 : err;
}

CREATE_SERVICE_CONFINED("system.syslog", syslog_limit, syslog_command, syslog_confine,
                        CASPER_SERVICE_STDIO)
