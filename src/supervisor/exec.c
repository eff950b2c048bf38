/*
 * fexecve: execveat(fd, "", argv, envp, AT_EMPTY_PATH), let continue once
 * nothing in it can change.
 *
 * The supervisor cannot exec for the caller; the call must continue in
 * the kernel, which reads the path again.  A path checked to be "" and
 * then rewritten by another thread would name any program by absolute
 * path.  So the path must lie where nothing can rewrite it: a private,
 * read-only mapping sealed by mseal(2) (Linux 6.10), which libcapsicum's
 * fexecve() provides.  The descriptor needs no pinning: a number holding
 * a restricted file keeps a rule, or holds a slow state, that no other
 * file can come under with more rights (brief 4).
 *
 *	outside capability mode, an unrestricted descriptor -> continues
 *	a path that is not a sealed ""                        -> ECAPMODE
 *	  (ENOTCAPABLE outside capability mode)
 *	no CAP_FEXECVE on a restricted descriptor            -> ENOTCAPABLE
 *	a directory                                          -> EACCES
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <sys/capsicum.h>

#include "serve.h"
#include "slow.h"

#define FLAGS_OK (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)

/* Whether word (space-separated) is among the VmFlags in line. */
static bool has_flag(const char *line, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = strstr(line, flag); p; p = strstr(p + 1, flag))
		if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* The whole of the caller's /proc/TID/smaps, NUL-terminated (free it), or NULL. */
static char *read_smaps(const struct target *t)
{
	char path[64], *buf = NULL;
	size_t len = 0, size = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)t->tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	do {
		if (size - len < 4096) {
			char *b = realloc(buf, size = size ? 2 * size : 65536);

			if (b == NULL) {
				n = -1;
				break;
			}
			buf = b;
		}
		n = read(fd, buf + len, size - len - 1);
		len += n > 0 ? (size_t)n : 0;
	} while (n > 0);
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/*
 * Whether addr lies in a mapping of the caller that nothing can write: a
 * private anonymous one, sealed, readable, not writable, and not under a
 * userfaultfd (smaps: VmFlags).  Whole lines only, and a mapping's header
 * only where one must be -- first, and after each VmFlags line -- so that
 * no file name can pass for a header (names cannot hold a newline: the
 * kernel escapes it).
 */
static bool immutable(const struct target *t, uint64_t addr)
{
	char *smaps = read_smaps(t), *line, *next;
	bool header = true, in = false, ok = false;

	if (smaps == NULL)
		return false;
	for (line = smaps; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		if (header) {
			uint64_t lo, hi, off;
			char perms[8], dev[16], ino[24];
			int end = 0;

			/* "lo-hi perms offset dev inode [name]": anonymous, no name */
			in = sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %15s %23s %n",
			            &lo, &hi, perms, &off, dev, ino, &end) == 6 &&
			     addr >= lo && addr < hi && strcmp(ino, "0") == 0 &&
			     (line[end] == '\0' || strcmp(line + end, "[anon]") == 0);
			header = false;
		} else if (strncmp(line, "VmFlags:", 8) == 0) {
			if (in) {
				ok = has_flag(line, "sl") && has_flag(line, "rd") &&
				     !has_flag(line, "wr") && !has_flag(line, "sh") &&
				     !has_flag(line, "um") && !has_flag(line, "uw");
				break;
			}
			header = true;
		}
	}
	free(smaps);
	return ok;
}

static int check(struct target *t, const struct seccomp_data *d, int file, bool *cont)
{
	int fd = (int)(uint32_t)d->args[0], flags = (int)(uint32_t)d->args[4];
	int refused = t->capmode ? -ECAPMODE : -ENOTCAPABLE;
	struct record rec;
	struct stat sb;
	char c;

	if (slow_state(t, fd, file, &rec) != 0)
		return -ENOTCAPABLE;
	if (!t->capmode && !rec.restricted) {
		*cont = true; /* an ordinary execveat */
		return 0;
	}
	if (!(flags & AT_EMPTY_PATH))
		return refused;
	if (flags & ~FLAGS_OK)
		return -EINVAL;
	if (rec.restricted && !state_has(&rec.st, CAP_FEXECVE))
		return -ENOTCAPABLE;
	if (!immutable(t, d->args[1]) || target_read(t, d->args[1], &c, 1) != 0 || c != '\0')
		return refused;
	if (syscall(SYS_fstat, file, &sb) != 0)
		return -errno;
	if (S_ISDIR(sb.st_mode))
		return -EACCES;
	if (!target_valid(t))
		return -ESRCH;
	*cont = true;
	return 0;
}

void serve_exec(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	int file = target_getfd(t, (int)(uint32_t)d->args[0]), res;

	if (file < 0) {
		r->error = file == -EBADF ? EBADF : ENOTCAPABLE;
		return;
	}
	res = check(t, d, file, &r->cont);
	close(file);
	if (res < 0)
		r->error = -res;
}
