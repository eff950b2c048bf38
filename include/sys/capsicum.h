/*
 * <sys/capsicum.h> -- Capsicum for Linux: capability rights on descriptors.
 *
 * Source-compatible with FreeBSD's header of the same name.  Rights limits
 * and capability mode are enforced by the Linux kernel through seccomp
 * filters that the calling process stacks on itself; see cap_enter(2),
 * cap_rights_limit(2) and docs/DESIGN.md.
 */
#ifndef _SYS_CAPSICUM_H_
#define _SYS_CAPSICUM_H_

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <sys/caprights.h>

/*
 * FreeBSD's values (93, 94) are EPROTONOSUPPORT and ESOCKTNOSUPPORT on
 * Linux.  These are the values of Google's earlier Linux port, above every
 * errno Linux defines; strerror() and err(3) name them in programs linked
 * with libcapsicum.
 */
#ifndef ECAPMODE
#define ECAPMODE 134
#endif
#ifndef ENOTCAPABLE
#define ENOTCAPABLE 135
#endif
#ifndef ENOTCAP
#define ENOTCAP ENOTCAPABLE
#endif

/*
 * shm_open(SHM_ANON, O_RDWR, 0): an anonymous shared memory object, the
 * kind capability mode allows.  FreeBSD defines it in <sys/mman.h>; on
 * Linux it is here, and libcapsicum's shm_open() understands it.
 */
#ifndef SHM_ANON
#define SHM_ANON ((char *)1)
#endif

/* fcntl(2) commands a descriptor may be limited to (FreeBSD bit values). */
#define CAP_FCNTL_GETFL  (1 << 3)
#define CAP_FCNTL_SETFL  (1 << 4)
#define CAP_FCNTL_GETOWN (1 << 5)
#define CAP_FCNTL_SETOWN (1 << 6)
#define CAP_FCNTL_ALL    (CAP_FCNTL_GETFL | CAP_FCNTL_SETFL | CAP_FCNTL_GETOWN | CAP_FCNTL_SETOWN)

#define CAP_IOCTLS_ALL       SSIZE_MAX
#define CAP_IOCTLS_LIMIT_MAX 256

typedef unsigned long cap_ioctl_t;

#ifdef __cplusplus
extern "C" {
#endif

#define cap_rights_init(...) __cap_rights_init(CAP_RIGHTS_VERSION, __VA_ARGS__, 0ULL)
cap_rights_t *__cap_rights_init(int version, cap_rights_t *rights, ...);

#define cap_rights_set(...) __cap_rights_set(__VA_ARGS__, 0ULL)
cap_rights_t *__cap_rights_set(cap_rights_t *rights, ...);

#define cap_rights_clear(...) __cap_rights_clear(__VA_ARGS__, 0ULL)
cap_rights_t *__cap_rights_clear(cap_rights_t *rights, ...);

#define cap_rights_is_set(...) __cap_rights_is_set(__VA_ARGS__, 0ULL)
bool __cap_rights_is_set(const cap_rights_t *rights, ...);

bool cap_rights_is_empty(const cap_rights_t *rights);
bool cap_rights_is_valid(const cap_rights_t *rights);
cap_rights_t *cap_rights_merge(cap_rights_t *dst, const cap_rights_t *src);
cap_rights_t *cap_rights_remove(cap_rights_t *dst, const cap_rights_t *src);
bool cap_rights_contains(const cap_rights_t *big, const cap_rights_t *little);

int cap_rights_limit(int fd, const cap_rights_t *rights);

#define cap_rights_get(fd, rights) __cap_rights_get(CAP_RIGHTS_VERSION, (fd), (rights))
int __cap_rights_get(int version, int fd, cap_rights_t *rights);

int cap_ioctls_limit(int fd, const cap_ioctl_t *cmds, size_t ncmds);
ssize_t cap_ioctls_get(int fd, cap_ioctl_t *cmds, size_t maxcmds);

int cap_fcntls_limit(int fd, uint32_t fcntlrights);
int cap_fcntls_get(int fd, uint32_t *fcntlrightsp);

/* Capability mode: see cap_enter(2). */
int cap_enter(void);
int cap_getmode(unsigned int *modep);
bool cap_sandboxed(void);

/*
 * bind(2) and connect(2) for a unix socket path relative to a directory
 * descriptor (CAP_BINDAT, CAP_CONNECTAT): FreeBSD declares them in
 * <sys/socket.h>; see bindat(2).
 */
int bindat(int fd, int s, const struct sockaddr *addr, socklen_t addrlen);
int connectat(int fd, int s, const struct sockaddr *name, socklen_t namelen);

#ifdef __cplusplus
}
#endif

#endif /* !_SYS_CAPSICUM_H_ */
