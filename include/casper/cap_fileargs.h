/*
 * <casper/cap_fileargs.h> -- system.fileargs: the files named on a
 * command line, opened, lstat'ed or resolved by a Casper service for a
 * program in capability mode.  Source-compatible with FreeBSD.  See
 * cap_fileargs(3).
 *
 * Without WITH_CASPER the handle only remembers the open flags and mode,
 * and every call is the plain C library call (FreeBSD's convention, see
 * libcasper.h).
 */
#ifndef _CAP_FILEARGS_H_
#define _CAP_FILEARGS_H_

#ifdef HAVE_CASPER
#define WITH_CASPER
#endif

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <libcasper.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FA_OPEN     1
#define FA_LSTAT    2
#define FA_REALPATH 4

#ifdef WITH_CASPER

struct fileargs;
typedef struct fileargs fileargs_t;

fileargs_t *fileargs_init(int argc, char *argv[], int flags, mode_t mode, cap_rights_t *rightsp,
                          int operations);
fileargs_t *fileargs_cinit(cap_channel_t *cas, int argc, char *argv[], int flags, mode_t mode,
                           cap_rights_t *rightsp, int operations);
fileargs_t *fileargs_initnv(nvlist_t *limits);
fileargs_t *fileargs_cinitnv(cap_channel_t *cas, nvlist_t *limits);
int fileargs_lstat(fileargs_t *fa, const char *name, struct stat *sb);
int fileargs_open(fileargs_t *fa, const char *name);
char *fileargs_realpath(fileargs_t *fa, const char *pathname, char *reserved_path);
void fileargs_free(fileargs_t *fa);
FILE *fileargs_fopen(fileargs_t *fa, const char *name, const char *mode);

fileargs_t *fileargs_wrap(cap_channel_t *chan, int fdflags);
cap_channel_t *fileargs_unwrap(fileargs_t *fa, int *fdflags);

#else /* !WITH_CASPER */

typedef struct fileargs {
	int fa_flags;
	mode_t fa_mode;
} fileargs_t;

static inline fileargs_t *fileargs_init(int argc, char *argv[], int flags, mode_t mode,
                                        cap_rights_t *rightsp, int operations)
{
	fileargs_t *fa = (fileargs_t *)malloc(sizeof(*fa));

	(void)argc;
	(void)argv;
	(void)rightsp;
	(void)operations;
	if (fa != NULL) {
		fa->fa_flags = flags;
		fa->fa_mode = mode;
	}
	return fa;
}

static inline fileargs_t *fileargs_cinit(cap_channel_t *cas, int argc, char *argv[], int flags,
                                         mode_t mode, cap_rights_t *rightsp, int operations)
{
	(void)cas;
	return fileargs_init(argc, argv, flags, mode, rightsp, operations);
}

static inline fileargs_t *fileargs_initnv(nvlist_t *limits)
{
	int flags = 0;
	mode_t mode = 0;

	if (limits != NULL) {
		if (nvlist_exists_number(limits, "flags"))
			flags = (int)nvlist_get_number(limits, "flags");
		if (nvlist_exists_number(limits, "mode"))
			mode = (mode_t)nvlist_get_number(limits, "mode");
		nvlist_destroy(limits);
	}
	return fileargs_init(0, NULL, flags, mode, NULL, 0);
}

static inline fileargs_t *fileargs_cinitnv(cap_channel_t *cas, nvlist_t *limits)
{
	(void)cas;
	return fileargs_initnv(limits);
}

static inline int fileargs_lstat(fileargs_t *fa, const char *name, struct stat *sb)
{
	(void)fa;
	return lstat(name, sb);
}

static inline int fileargs_open(fileargs_t *fa, const char *name)
{
	return open(name, fa->fa_flags, fa->fa_mode);
}

static inline char *fileargs_realpath(fileargs_t *fa, const char *pathname, char *reserved_path)
{
	(void)fa;
	return realpath(pathname, reserved_path);
}

static inline void fileargs_free(fileargs_t *fa)
{
	free(fa);
}

static inline FILE *fileargs_fopen(fileargs_t *fa, const char *name, const char *mode)
{
	(void)fa;
	return fopen(name, mode);
}

static inline fileargs_t *fileargs_wrap(cap_channel_t *chan, int fdflags)
{
	cap_close(chan);
	return fileargs_init(0, NULL, fdflags, 0, NULL, 0);
}

static inline cap_channel_t *fileargs_unwrap(fileargs_t *fa, int *fdflags)
{
	if (fdflags != NULL)
		*fdflags = fa->fa_flags;
	fileargs_free(fa);
	return cap_init();
}

#endif /* WITH_CASPER */

#ifdef __cplusplus
}
#endif

#endif /* !_CAP_FILEARGS_H_ */
