/*
 * Exec'd by test_rights_inherit: prints the rights, ioctl count and fcntl
 * mask of descriptor argv[1], then tries the listed operations.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sys/capsicum.h>

int main(int argc, char **argv)
{
	cap_rights_t r;
	uint32_t fcntls;
	int fd = argc > 1 ? atoi(argv[1]) : 0;
	char c;

	if (cap_rights_get(fd, &r) != 0 || cap_fcntls_get(fd, &fcntls) != 0) {
		printf("error %d\n", errno);
		return 1;
	}
	printf("rights %016" PRIx64 " %016" PRIx64 " ioctls %zd fcntls %" PRIu32 "\n",
	       r.cr_rights[0], r.cr_rights[1], cap_ioctls_get(fd, NULL, 0), fcntls);
	printf("read %d\n", read(fd, &c, 1) == 1 ? 0 : errno);
	printf("write %d\n", write(fd, "w", 1) == 1 ? 0 : errno);
	return 0;
}
