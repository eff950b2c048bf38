/*
 * The old path calls as their *at forms, on registers alone (paths.h), and
 * the names of system calls for messages.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>

#include "../arch/arch.h"
#include "paths.h"

#define K   0xff /* the slot takes the constant */
#define END 0xfe /* no such argument */

static const struct legacy {
	int nr, at;
	uint8_t from[6]; /* the argument each slot of the *at call takes, K or END */
	int64_t k[6];
} legacy[] = {
    {NR_open, NR_openat, {K, 0, 1, 2, END, END}, {AT_FDCWD}},
    {NR_creat, NR_openat, {K, 0, K, 1, END, END}, {AT_FDCWD, 0, O_CREAT | O_WRONLY | O_TRUNC}},
    {NR_stat, NR_newfstatat, {K, 0, 1, K, END, END}, {AT_FDCWD, 0, 0, 0}},
    {NR_lstat, NR_newfstatat, {K, 0, 1, K, END, END}, {AT_FDCWD, 0, 0, AT_SYMLINK_NOFOLLOW}},
    {NR_access, NR_faccessat, {K, 0, 1, END, END, END}, {AT_FDCWD}},
    {NR_readlink, NR_readlinkat, {K, 0, 1, 2, END, END}, {AT_FDCWD}},
    {NR_mkdir, NR_mkdirat, {K, 0, 1, END, END, END}, {AT_FDCWD}},
    {NR_mknod, NR_mknodat, {K, 0, 1, 2, END, END}, {AT_FDCWD}},
    {NR_rmdir, NR_unlinkat, {K, 0, K, END, END, END}, {AT_FDCWD, 0, AT_REMOVEDIR}},
    {NR_unlink, NR_unlinkat, {K, 0, K, END, END, END}, {AT_FDCWD, 0, 0}},
    {NR_rename, NR_renameat, {K, 0, K, 1, END, END}, {AT_FDCWD, 0, AT_FDCWD}},
    {NR_link, NR_linkat, {K, 0, K, 1, K, END}, {AT_FDCWD, 0, AT_FDCWD, 0, 0}},
    {NR_symlink, NR_symlinkat, {0, K, 1, END, END, END}, {0, AT_FDCWD}},
    {NR_chmod, NR_fchmodat, {K, 0, 1, END, END, END}, {AT_FDCWD}},
    {NR_chown, NR_fchownat, {K, 0, 1, 2, K, END}, {AT_FDCWD, 0, 0, 0, 0}},
    {NR_lchown, NR_fchownat, {K, 0, 1, 2, K, END}, {AT_FDCWD, 0, 0, 0, AT_SYMLINK_NOFOLLOW}},
    {NR_utimes, NR_futimesat, {K, 0, 1, END, END, END}, {AT_FDCWD}},
    /* no *at form on registers: pseudo ones, the flags in args[5] (lookup.c) */
    {NR_getxattr, NR_getxattr, {K, 0, 1, 2, 3, K}, {AT_FDCWD, 0, 0, 0, 0, 0}},
    {NR_lgetxattr, NR_getxattr, {K, 0, 1, 2, 3, K}, {AT_FDCWD, 0, 0, 0, 0, AT_SYMLINK_NOFOLLOW}},
    {NR_listxattr, NR_listxattr, {K, 0, 1, 2, END, K}, {AT_FDCWD, 0, 0, 0, 0, 0}},
    {NR_llistxattr,
     NR_listxattr,
     {K, 0, 1, 2, END, K},
     {AT_FDCWD, 0, 0, 0, 0, AT_SYMLINK_NOFOLLOW}},
};

const struct seccomp_data *paths_legacy(const struct seccomp_data *d, struct seccomp_data *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(legacy); i++) {
		const struct legacy *l = &legacy[i];

		if (l->nr != (int)d->nr)
			continue;
		*out = *d;
		out->nr = l->at;
		for (int a = 0; a < 6; a++)
			out->args[a] = l->from[a] == K     ? (uint64_t)l->k[a]
			               : l->from[a] == END ? 0
			                                   : d->args[l->from[a]];
		return out;
	}
	return NULL;
}

static const struct {
	int nr;
	const char *name;
} names[] = {
#define SYSCALL(name, nr) {nr, #name},
#include "../arch/x86_64.def"
#undef SYSCALL
};

const char *paths_call_name(int nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return "a system call";
}
