/*
 * <capsicum_helpers.h> -- FreeBSD's helpers for sandboxing programs with
 * Capsicum, source-compatible: best effort by design (a kernel without
 * Capsicum, ENOSYS, counts as success), header-only as on FreeBSD.
 *
 * Linux specifics: caph_stream_cmds holds TCGETS (FreeBSD's TIOCGETA) and
 * TIOCGWINSZ; caph_cache_tzdata() pins the time zone so that localtime()
 * in capability mode does not look for /etc/localtime again (glibc does
 * when TZ is unset, and falls back to UTC when it cannot); and
 * caph_cache_catpages() loads the C library's message catalogue.  As on
 * FreeBSD, <libcasper.h> decides CASPER_SUPPORT: a program built without
 * HAVE_CASPER gets 0, and caph_enter_casper() then does not sandbox.
 * See capsicum_helpers(3).
 */
#ifndef _CAPSICUM_HELPERS_H_
#define _CAPSICUM_HELPERS_H_

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <sys/capsicum.h>

#include <libcasper.h>

#define CAPH_IGNORE_EBADF 0x0001
#define CAPH_READ         0x0002
#define CAPH_WRITE        0x0004
#define CAPH_LOOKUP       0x0008

static const unsigned long caph_stream_cmds[] = {TCGETS, TIOCGWINSZ};
static const uint32_t caph_stream_fcntls = CAP_FCNTL_GETFL;

static __inline void caph_stream_rights(cap_rights_t *rights, int flags)
{
	cap_rights_init(rights, CAP_EVENT, CAP_FCNTL, CAP_FSTAT, CAP_IOCTL, CAP_SEEK);
	if (flags & CAPH_READ)
		cap_rights_set(rights, CAP_READ);
	if (flags & CAPH_WRITE)
		cap_rights_set(rights, CAP_WRITE);
	if (flags & CAPH_LOOKUP)
		cap_rights_set(rights, CAP_LOOKUP);
}

static __inline int caph_limit_stream(int fd, int flags)
{
	cap_rights_t rights;

	caph_stream_rights(&rights, flags);
	if (cap_rights_limit(fd, &rights) < 0 && errno != ENOSYS) {
		if (errno == EBADF && (flags & CAPH_IGNORE_EBADF) != 0)
			return 0;
		return -1;
	}
	if (cap_ioctls_limit(fd, caph_stream_cmds,
	                     sizeof(caph_stream_cmds) / sizeof(caph_stream_cmds[0])) < 0 &&
	    errno != ENOSYS)
		return -1;
	if (cap_fcntls_limit(fd, caph_stream_fcntls) < 0 && errno != ENOSYS)
		return -1;
	return 0;
}

static __inline int caph_limit_stdin(void)
{
	return caph_limit_stream(STDIN_FILENO, CAPH_READ);
}

static __inline int caph_limit_stderr(void)
{
	return caph_limit_stream(STDERR_FILENO, CAPH_WRITE);
}

static __inline int caph_limit_stdout(void)
{
	return caph_limit_stream(STDOUT_FILENO, CAPH_WRITE);
}

static __inline int caph_limit_stdio(void)
{
	const int iebadf = CAPH_IGNORE_EBADF;

	if (caph_limit_stream(STDIN_FILENO, CAPH_READ | iebadf) == -1 ||
	    caph_limit_stream(STDOUT_FILENO, CAPH_WRITE | iebadf) == -1 ||
	    caph_limit_stream(STDERR_FILENO, CAPH_WRITE | iebadf) == -1)
		return -1;
	return 0;
}

/*
 * glibc's localtime() looks for the zone file again on every call while
 * TZ is unset, and in capability mode, where it cannot, falls back to
 * UTC.  Naming the zone it loaded keeps its cached copy in use.
 */
static __inline void caph_cache_tzdata(void)
{
	if (getenv("TZ") == NULL)
		(void)setenv("TZ", ":/etc/localtime", 0);
	tzset();
}

/* The C library's messages for the current locale, loaded on first use. */
static __inline void caph_cache_catpages(void)
{
	(void)strerror(EPERM);
}

static __inline int caph_enter(void)
{
	if (cap_enter() < 0 && errno != ENOSYS)
		return -1;
	return 0;
}

static __inline int caph_rights_limit(int fd, const cap_rights_t *rights)
{
	if (cap_rights_limit(fd, rights) < 0 && errno != ENOSYS)
		return -1;
	return 0;
}

static __inline int caph_ioctls_limit(int fd, const unsigned long *cmds, size_t ncmds)
{
	if (cap_ioctls_limit(fd, cmds, ncmds) < 0 && errno != ENOSYS)
		return -1;
	return 0;
}

static __inline int caph_fcntls_limit(int fd, uint32_t fcntlrights)
{
	if (cap_fcntls_limit(fd, fcntlrights) < 0 && errno != ENOSYS)
		return -1;
	return 0;
}

static __inline int caph_enter_casper(void)
{
	return CASPER_SUPPORT == 0 ? 0 : caph_enter();
}

#endif /* !_CAPSICUM_HELPERS_H_ */
