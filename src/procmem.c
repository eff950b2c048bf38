/* Descriptors for /proc/PID/mem, which write through every protection and seal. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int holds_proc_mem(const char *fd_dir)
{
	DIR *d = opendir(fd_dir);
	struct dirent *e;
	int found = 0;

	if (d == NULL)
		return -errno;
	while (!found && (e = readdir(d)) != NULL) {
		char link[64];
		ssize_t n;

		if (e->d_name[0] == '.' ||
		    (n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		found =
		    strncmp(link, "/proc/", 6) == 0 && n > 4 && strcmp(link + n - 4, "/mem") == 0;
	}
	closedir(d);
	return found;
}
