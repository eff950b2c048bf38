/*
 * Readable messages for ECAPMODE and ENOTCAPABLE.
 *
 * glibc knows neither value, so a program linked with libcapsicum gets
 * these definitions of the strerror family, perror and err(3)/warn(3)
 * ahead of libc's (the library comes first in the link order).  Every
 * other errno is passed to libc's own implementation, found with
 * dlsym(RTLD_NEXT).  printf's %m still goes to libc directly; see
 * DEVIATIONS.md.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/capsicum.h>

extern char *program_invocation_short_name;

static const char *capsicum_message(int e)
{
	switch (e) {
	case ECAPMODE:
		return "Not permitted in capability mode";
	case ENOTCAPABLE:
		return "Capabilities insufficient";
	default:
		return NULL;
	}
}

#define NEXT(type, name) ((type)dlsym(RTLD_NEXT, name))

char *strerror(int e)
{
	const char *m = capsicum_message(e);

	if (m != NULL)
		return (char *)m;
	return NEXT(char *(*)(int), "strerror")(e);
}

char *strerror_l(int e, locale_t loc)
{
	const char *m = capsicum_message(e);

	if (m != NULL)
		return (char *)m;
	return NEXT(char *(*)(int, locale_t), "strerror_l")(e, loc);
}

/* The GNU variant, which glibc exports as strerror_r. */
char *strerror_r(int e, char *buf, size_t len)
{
	const char *m = capsicum_message(e);

	if (m != NULL)
		return (char *)m;
	return NEXT(char *(*)(int, char *, size_t), "strerror_r")(e, buf, len);
}

/* The POSIX variant, which <string.h> maps strerror_r to without _GNU_SOURCE. */
int __xpg_strerror_r(int e, char *buf, size_t len);
int __xpg_strerror_r(int e, char *buf, size_t len)
{
	const char *m = capsicum_message(e);

	if (m == NULL)
		return NEXT(int (*)(int, char *, size_t), "__xpg_strerror_r")(e, buf, len);
	if (len <= strlen(m)) {
		if (len > 0) {
			memcpy(buf, m, len - 1);
			buf[len - 1] = '\0';
		}
		return ERANGE;
	}
	strcpy(buf, m);
	return 0;
}

void perror(const char *s)
{
	const char *m = capsicum_message(errno);

	if (m == NULL) {
		NEXT(void (*)(const char *), "perror")(s);
		return;
	}
	if (s != NULL && *s != '\0')
		fprintf(stderr, "%s: %s\n", s, m);
	else
		fprintf(stderr, "%s\n", m);
}

void vwarn(const char *fmt, va_list ap)
{
	int e = errno;
	const char *m = capsicum_message(e);

	if (m == NULL) {
		NEXT(void (*)(const char *, va_list), "vwarn")(fmt, ap);
		return;
	}
	fprintf(stderr, "%s: ", program_invocation_short_name);
	if (fmt != NULL) {
		vfprintf(stderr, fmt, ap);
		fputs(": ", stderr);
	}
	fprintf(stderr, "%s\n", m);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void verr(int status, const char *fmt, va_list ap)
{
	vwarn(fmt, ap);
	exit(status);
}

void err(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(status, fmt, ap);
}
