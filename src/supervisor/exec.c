/*
 * fexecve: execveat(fd, "", argv, envp, AT_EMPTY_PATH), let continue once
 * nothing in it can change.
 *
 * The supervisor cannot exec for the caller; the call must continue in
 * the kernel, which reads the path and the file again.  A path checked to
 * be "" and then rewritten by another thread would name any program by
 * absolute path.  So the path must lie where nothing can rewrite it: a
 * private, read-only mapping sealed by mseal(2) (Linux 6.10), which
 * libcapsicum's fexecve() provides -- and in capability mode, where the
 * path would name what the caller may not, within a shared sealed mapping
 * of the pinned program itself (below): another process holding the
 * caller's /proc/PID/mem writes through the seal of a private mapping.  The descriptor needs no
 *pinning: a number holding a restricted file keeps a rule, or holds a slow state, that no other
 *file can come under with more rights (brief 4).
 *
 * In capability mode the file's contents matter too: the kernel opens a
 * script's interpreter, and an ELF program's, by path.  So the file must
 * be a memfd sealed against writing, growing and shrinking -- fixed
 * contents -- that is a native ELF program whose interpreter, if any, is
 * the system's dynamic loader.  libcapsicum's fexecve() asks for such a
 * copy first (CTL_EXEC_PIN), which the supervisor makes from the caller's
 * descriptor.  Scripts are refused, as FreeBSD refuses them.
 *
 *	outside capability mode, an unrestricted descriptor -> continues
 *	a path that is not a sealed ""                        -> ECAPMODE
 *	  (ENOTCAPABLE outside capability mode)
 *	no CAP_FEXECVE on a restricted descriptor            -> ENOTCAPABLE
 *	a directory                                          -> EACCES
 *	capability mode: not a pinned copy, a script, an
 *	  interpreter other than the loader, or a held
 *	  /proc/PID/mem (which writes through any seal)      -> ECAPMODE
 *	capability mode, more than one thread (which could
 *	  swap the number's file before the kernel takes it)  -> EBUSY
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "ctl.h"
#include "serve.h"
#include "slow.h"

#define FLAGS_OK  (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)
#define PINNED    (F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK)
#define MAX_PHDRS 256

static const char *const loaders[] = {CAPSICUM_LOADERS};

/* Whether file's contents can no longer change: a memfd sealed so. */
static bool pinned(int file)
{
	int seals = fcntl(file, F_GET_SEALS);

	return seals >= 0 && (seals & PINNED) == PINNED;
}

/* Whether file (ours) is a native ELF program whose interpreter, if any, is the loader. */
static bool runnable(int file)
{
	Elf64_Ehdr eh;
	bool interp_ok = true;

	if (pread(file, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != CAPSICUM_ELF_MACHINE ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phnum > MAX_PHDRS)
		return false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		char interp[PATH_MAX];

		if (pread(file, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			return false;
		if (ph.p_type != PT_INTERP)
			continue;
		interp_ok = false;
		if (ph.p_filesz == 0 || ph.p_filesz > sizeof(interp) ||
		    pread(file, interp, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz ||
		    interp[ph.p_filesz - 1] != '\0')
			return false;
		for (size_t k = 0; k < ARRAY_SIZE(loaders); k++)
			interp_ok |= strcmp(interp, loaders[k]) == 0;
		if (!interp_ok)
			return false;
	}
	return interp_ok;
}

/*
 * Whether the caller holds a descriptor for some /proc/PID/mem: writes
 * through it ignore protections and seals, so no memory of the caller is
 * fixed.
 */
static bool holds_mem(const struct target *t)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)t->tid);
	return holds_proc_mem(dir) != 0; /* unreadable: assume one */
}

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
 * Whether addr lies in a mapping of the caller that it cannot change: with
 * file NULL, a private anonymous one, sealed, readable, not writable, and
 * not under a userfaultfd (smaps: VmFlags).  That holds against the caller
 * itself only: another process holding its /proc/PID/mem writes through
 * protections and seals into private mappings.
 *
 * With file, a shared mapping of that very file (device and inode),
 * sealed, readable, neither writable nor able to become so: when file is
 * sealed against writing, nothing anywhere can change what the mapping
 * shows -- the kernel forces writes into private mappings only, and the
 * seal keeps the mapping in place.
 *
 * Whole lines only, and a mapping's header only where one must be --
 * first, and after each VmFlags line -- so that no file name can pass for
 * a header (names cannot hold a newline: the kernel escapes it).
 */
static bool immutable(const struct target *t, uint64_t addr, const struct stat *file)
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

			/* "lo-hi perms offset dev inode [name]" */
			in = sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %15s %23s %n",
			            &lo, &hi, perms, &off, dev, ino, &end) == 6 &&
			     addr >= lo && addr < hi;
			if (in && file == NULL) /* anonymous, no name */
				in = strcmp(ino, "0") == 0 &&
				     (line[end] == '\0' || strcmp(line + end, "[anon]") == 0);
			else if (in) {
				char want[48];

				snprintf(want, sizeof(want), "%02x:%02x", major(file->st_dev),
				         minor(file->st_dev));
				in = strcmp(dev, want) == 0 &&
				     strtoull(ino, NULL, 10) == (unsigned long long)file->st_ino;
			}
			header = false;
		} else if (strncmp(line, "VmFlags:", 8) == 0) {
			if (in) {
				bool shared = file != NULL;

				ok = has_flag(line, "sl") && has_flag(line, "rd") &&
				     !has_flag(line, "wr") && has_flag(line, "sh") == shared &&
				     !(shared && has_flag(line, "mw")) && !has_flag(line, "um") &&
				     !has_flag(line, "uw");
				break;
			}
			header = true;
		}
	}
	free(smaps);
	return ok;
}

/*
 * The empty path of capability mode: one page of zeros in a memfd sealed
 * against writing, growing, shrinking and further sealing, kept open for
 * the supervisor's life (its inode is never reused meanwhile).  Its stat,
 * or NULL if it could not be made (then fexecve in capability mode fails).
 */
static int empty_fd = -1;
static struct stat empty_sb;
static pthread_once_t empty_once = PTHREAD_ONCE_INIT;

static void make_empty(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int m = (int)syscall(SYS_memfd_create, "capsicum-empty", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (m < 0)
		return;
	if (ftruncate(m, page) != 0 || fcntl(m, F_ADD_SEALS, PINNED | F_SEAL_SEAL) != 0 ||
	    syscall(SYS_fstat, m, &empty_sb) != 0) {
		close(m);
		return;
	}
	empty_fd = m;
}

static const struct stat *empty_page(void)
{
	pthread_once(&empty_once, make_empty);
	return empty_fd >= 0 ? &empty_sb : NULL;
}

void serve_exec_empty(struct target *t, struct reply *r)
{
	struct seccomp_notif_addfd add = {
	    .id = t->id, .flags = SECCOMP_ADDFD_FLAG_SEND, .newfd_flags = O_CLOEXEC};

	if (empty_page() == NULL) {
		r->error = ENOMEM;
		return;
	}
	add.srcfd = (uint32_t)empty_fd;
	if (ioctl(t->lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0)
		r->error = errno;
	else
		r->done = true;
}

/* The number of threads in the caller's process (/proc/TID/status), or -1. */
static int threads(const struct target *t)
{
	unsigned long long n;

	return status_number(t->tid, "Threads:", 10, &n) == 0 ? (int)n : -1;
}

static int check(struct target *t, const struct seccomp_data *d, int file, bool *cont)
{
	int fd = (int)(uint32_t)d->args[0], flags = (int)(uint32_t)d->args[4];
	int refused = t->capmode ? -ECAPMODE : -ENOTCAPABLE;
	const struct stat *empty = NULL;
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
	/*
	 * In capability mode the "" must lie in the supervisor's empty page,
	 * mapped shared and sealed: nothing can rewrite it into a path there.
	 * (Outside it, a path instead of "" names what execve could.)
	 */
	if (t->capmode && (empty = empty_page()) == NULL)
		return refused;
	if (!immutable(t, d->args[1], empty) || target_read(t, d->args[1], &c, 1) != 0 || c != '\0')
		return refused;
	if (syscall(SYS_fstat, file, &sb) != 0)
		return -errno;
	if (S_ISDIR(sb.st_mode))
		return -EACCES;
	if (t->capmode && (!pinned(file) || !runnable(file) || holds_mem(t)))
		return -ECAPMODE;
	/*
	 * The kernel takes the file from the number again once the call goes
	 * on: another thread could dup2 a script over it meanwhile.  With one
	 * thread, the one waiting here, the table cannot change.
	 */
	if (t->capmode && threads(t) != 1)
		return -EBUSY;
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

/* A copy of file's contents in a new memfd, sealed: it, or -errno. */
static int pin(int file)
{
	struct stat sb;
	off_t off = 0;
	int m;

	if (syscall(SYS_fstat, file, &sb) != 0)
		return -errno;
	if (!S_ISREG(sb.st_mode))
		return -EACCES;
	m = (int)syscall(SYS_memfd_create, "capsicum-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (m < 0)
		return -errno;
	while (off < sb.st_size) {
		ssize_t n = sendfile(m, file, &off, (size_t)(sb.st_size - off));

		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			close(m);
			return err;
		}
	}
	if (fcntl(m, F_ADD_SEALS, PINNED | F_SEAL_SEAL) != 0) {
		int err = -errno;

		close(m);
		return err;
	}
	return m;
}

/*
 * CTL_EXEC_PIN(fd): a pinned copy of the caller's fd for fexecve in
 * capability mode, given to the caller and answered with its number.
 * The copy must not give more than the descriptor did: whoever may read
 * the file gets it readable; one limited to CAP_FEXECVE gets it on a slow
 * number limited so (where the slow range is routed; ENOTCAPABLE where it
 * is not).  A descriptor that is pinned already is answered with itself.
 */
void serve_exec_pin(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	int fd = (int)(uint32_t)d->args[2], file = target_getfd(t, fd), m = -1, res = 0;
	struct record rec;

	if (file < 0) {
		r->error = file == -EBADF ? EBADF : ENOTCAPABLE;
		return;
	}
	if (slow_state(t, fd, file, &rec) != 0 ||
	    (rec.restricted && !state_has(&rec.st, CAP_FEXECVE)))
		res = -ENOTCAPABLE;
	else if (pinned(file))
		r->val = fd;
	else if ((res = m = pin(file)) >= 0 && !runnable(m))
		res = -ECAPMODE;
	else if (res >= 0 && rec.restricted && !state_has(&rec.st, CAP_READ)) {
		struct fd_state st = {.nioctls = 0};

		cap_rights_init(&st.rights, CAP_FEXECVE, CAP_FSTAT);
		res = slow_enabled() ? slow_place(t, m, &st, -1, 0, true) : -ENOTCAPABLE;
		r->done = res == 0;
	} else if (res >= 0) {
		struct seccomp_notif_addfd add = {.id = t->id,
		                                  .flags = SECCOMP_ADDFD_FLAG_SEND,
		                                  .srcfd = (uint32_t)m,
		                                  .newfd_flags = O_CLOEXEC};

		res = ioctl(t->lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0 ? -errno : 0;
		r->done = res == 0;
	}
	if (m >= 0)
		close(m);
	close(file);
	if (res < 0)
		r->error = -res;
}
