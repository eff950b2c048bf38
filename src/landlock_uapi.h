/*
 * Landlock's kernel interface, as far as this project uses it: the
 * installed kernel headers (6.1) lack the newer fields and bits, so they
 * are defined here once, for capability mode's fence (capmode/landlock.c)
 * and for the Casper services' confinement (casper/core/confine.c).
 */
#ifndef CAPSICUM_LANDLOCK_UAPI_H
#define CAPSICUM_LANDLOCK_UAPI_H

#include <stdint.h>

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH      1

/* LANDLOCK_ACCESS_FS_*: bits 0..12 are ABI 1. */
#define LL_FS_EXECUTE    (1ull << 0)
#define LL_FS_WRITE_FILE (1ull << 1)
#define LL_FS_READ_FILE  (1ull << 2)
#define LL_FS_READ_DIR   (1ull << 3)
#define LL_FS_MAKE_REG   (1ull << 8)
#define LL_FS_ABI1       0x1fffull
#define LL_FS_REFER      (1ull << 13) /* ABI 2 */
#define LL_FS_TRUNCATE   (1ull << 14) /* ABI 3 */
#define LL_FS_IOCTL_DEV  (1ull << 15) /* ABI 5 */
#define LL_NET_TCP       0x3ull       /* BIND_TCP, CONNECT_TCP (ABI 4) */
#define LL_SCOPE_ALL     0x3ull       /* ABSTRACT_UNIX_SOCKET, SIGNAL (ABI 6) */

#endif
