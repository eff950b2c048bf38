/*
 * limitdemo: open a file, limit the descriptor to CAP_READ|CAP_FSTAT|CAP_SEEK,
 * then try a handful of operations and print what the kernel answers.
 *
 *	limitdemo [file]	(default: a fresh temporary file)
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <sys/capsicum.h>

static int fd;

static int op_read(void)
{
	char c;
	return (int)pread(fd, &c, 1, 0);
}

static int op_fstat(void)
{
	struct stat sb;
	return fstat(fd, &sb);
}

static int op_lseek(void)
{
	return (int)lseek(fd, 0, SEEK_SET);
}

static int op_write(void)
{
	return (int)write(fd, "x", 1);
}

static int op_ftruncate(void)
{
	return ftruncate(fd, 0);
}

static int op_fchmod(void)
{
	return fchmod(fd, 0600);
}

static int op_mmap(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	munmap(p, 4096);
	return 0;
}

static int op_dup(void)
{
	int d = dup(fd);
	if (d >= 0)
		close(d);
	return d;
}

static const struct {
	const char *name;
	int (*op)(void);
} ops[] = {
    {"pread", op_read},           {"fstat", op_fstat},
    {"lseek", op_lseek},          {"write", op_write},
    {"ftruncate", op_ftruncate},  {"fchmod", op_fchmod},
    {"mmap(PROT_READ)", op_mmap}, {"dup", op_dup},
};

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/limitdemo.XXXXXX";
	cap_rights_t rights;

	if (argc > 1)
		fd = open(argv[1], O_RDWR);
	else if ((fd = mkstemp(tmpl)) >= 0)
		unlink(tmpl);
	if (fd < 0 || write(fd, "hello\n", 6) < 0)
		err(1, "open");

	cap_rights_init(&rights, CAP_READ, CAP_FSTAT, CAP_SEEK);
	if (cap_rights_limit(fd, &rights) != 0)
		err(1, "cap_rights_limit");
	printf("fd %d limited to CAP_READ|CAP_SEEK|CAP_FSTAT (opened O_RDWR)\n\n", fd);

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		errno = 0;
		int r = ops[i].op();
		printf("  %-16s %s\n", ops[i].name, r >= 0 ? "allowed" : strerror(errno));
	}
	return 0;
}
