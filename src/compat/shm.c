/*
 * shm_open(3) with FreeBSD's SHM_ANON: an anonymous object, which is what
 * a process in capability mode may create (a memfd underneath).  Named
 * objects are glibc's files under /dev/shm, opened by path: capability
 * mode refuses them with ECAPMODE, as FreeBSD does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <sys/capsicum.h>

/* What FreeBSD accepts with SHM_ANON; read-only or write-only is pointless. */
#define ANON_FLAGS (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC)

static int anon(int oflag)
{
	if ((oflag & ~ANON_FLAGS) != 0 || (oflag & O_ACCMODE) != O_RDWR) {
		errno = EINVAL;
		return -1;
	}
	/* Without MFD_ALLOW_SEALING the object is sealed against seals (F_SEAL_SEAL). */
	return (int)syscall(SYS_memfd_create, "SHM_ANON", MFD_CLOEXEC);
}

int shm_open(const char *name, int oflag, mode_t mode)
{
	char path[sizeof("/dev/shm/") + NAME_MAX];
	size_t len;

	if (name == SHM_ANON)
		return anon(oflag);
	/* glibc's rules: leading slashes are dropped, none may follow. */
	while (*name == '/')
		name++;
	len = strlen(name);
	if (len == 0 || len > NAME_MAX || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof(path), "/dev/shm/%s", name);
	return open(path, oflag | O_NOFOLLOW | O_CLOEXEC, mode);
}
