/*
 * <casper/cap_syslog.h> -- system.syslog: syslog(3) through a Casper
 * service, for a program in capability mode (which cannot reach
 * /dev/log).  No limits.  Source-compatible with FreeBSD.  See
 * cap_syslog(3).
 *
 * Without WITH_CASPER every call is the plain C library call (FreeBSD's
 * convention, see libcasper.h).
 */
#ifndef _CAP_SYSLOG_H_
#define _CAP_SYSLOG_H_

#ifdef HAVE_CASPER
#define WITH_CASPER
#endif

#include <stdarg.h>
#include <syslog.h>

#include <libcasper.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef WITH_CASPER

void cap_syslog(cap_channel_t *chan, int pri, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));
void cap_vsyslog(cap_channel_t *chan, int priority, const char *fmt, va_list ap)
    __attribute__((__format__(__printf__, 3, 0)));

void cap_openlog(cap_channel_t *chan, const char *ident, int logopt, int facility);
void cap_closelog(cap_channel_t *chan);

int cap_setlogmask(cap_channel_t *chan, int maskpri);

#else /* !WITH_CASPER */

/* A function, not a macro: the arguments reach vsyslog() unchanged. */
static inline __attribute__((__format__(__printf__, 3, 4))) void
cap_syslog(cap_channel_t *chan, int pri, const char *fmt, ...)
{
	va_list ap;

	(void)chan;
	va_start(ap, fmt);
	vsyslog(pri, fmt, ap);
	va_end(ap);
}

static inline __attribute__((__format__(__printf__, 3, 0))) void
cap_vsyslog(cap_channel_t *chan, int priority, const char *fmt, va_list ap)
{
	(void)chan;
	vsyslog(priority, fmt, ap);
}

static inline void cap_openlog(cap_channel_t *chan, const char *ident, int logopt, int facility)
{
	(void)chan;
	openlog(ident, logopt, facility);
}

static inline void cap_closelog(cap_channel_t *chan)
{
	(void)chan;
	closelog();
}

static inline int cap_setlogmask(cap_channel_t *chan, int maskpri)
{
	(void)chan;
	return setlogmask(maskpri);
}

#endif /* WITH_CASPER */

#ifdef __cplusplus
}
#endif

#endif /* !_CAP_SYSLOG_H_ */
