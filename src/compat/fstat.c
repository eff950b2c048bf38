/*
 * fstat(2) as the kernel's fstat system call.
 *
 * glibc implements fstat() as newfstatat(fd, "", sb, AT_EMPTY_PATH), whose
 * path lies in memory where no seccomp filter can read it: capability mode
 * has to treat it as a lookup.  Programs linked with libcapsicum get these
 * definitions ahead of libc's, and so a working fstat() in capability mode
 * with the same results everywhere else.  Calls made inside libc itself
 * (stdio, fdopendir) still use libc's; see DEVIATIONS.md.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "../procdesc/procdesc.h"

/*
 * A process descriptor is a socket underneath, or the kernel's pidfd (a
 * file of no type): FreeBSD's stat for it (procdesc.h).
 */
int fstat(int fd, struct stat *sb)
{
	int r = (int)syscall(SYS_fstat, fd, sb);

	if (r == 0 && (S_ISSOCK(sb->st_mode) || (sb->st_mode & S_IFMT) == 0))
		pd_fix_stat(fd, sb);
	return r;
}

int fstat64(int fd, struct stat64 *sb)
{
	return fstat(fd, (struct stat *)sb);
}

/* Out of line: libc declares fstatat's path nonnull, callers may pass NULL. */
__attribute__((noinline)) static int is_empty(const char *path)
{
	return path != NULL && path[0] == '\0';
}

int fstatat(int dirfd, const char *path, struct stat *sb, int flags)
{
	if (dirfd >= 0 && (flags & AT_EMPTY_PATH) && is_empty(path))
		return fstat(dirfd, sb);
	return (int)syscall(SYS_newfstatat, dirfd, path, sb, flags);
}

int fstatat64(int dirfd, const char *path, struct stat64 *sb, int flags)
{
	return fstatat(dirfd, path, (struct stat *)sb, flags);
}
