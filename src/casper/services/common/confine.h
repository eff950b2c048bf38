/*
 * The confinement of the services that answer from the C library's name
 * service (system.dns, system.net, system.netdb, system.pwd, system.grp).
 *
 * Header only, static inline: each service is a library of its own.
 */
#ifndef CASPER_SERVICES_COMMON_CONFINE_H
#define CASPER_SERVICES_COMMON_CONFINE_H

#include <errno.h>

#include <libcasper_service.h>

/*
 * Read-only access to what the name service reads -- its configuration
 * and databases (/etc), its modules, /usr/share -- and to run (the part of
 * /run the service needs); TCP only when net.  0 or an errno; a kernel
 * without Landlock (ENOSYS) leaves the service as it is, and is no error.
 */
static inline int confine_name_service(const char *run, int net)
{
	const char *const paths[] = {"/etc",       "/usr/lib",   "/lib", "/lib64",
	                             "/usr/lib64", "/usr/share", run};
	static const int access[] = {CASPER_PATH_READ, CASPER_PATH_READ, CASPER_PATH_READ,
	                             CASPER_PATH_READ, CASPER_PATH_READ, CASPER_PATH_READ,
	                             CASPER_PATH_READ};
	int err;

	_Static_assert(sizeof(access) / sizeof(access[0]) == sizeof(paths) / sizeof(paths[0]),
	               "an access mask a path");
	err = casper_confine_paths(paths, access, sizeof(paths) / sizeof(paths[0]), net);
	return err == ENOSYS ? 0 : err;
}

#endif /* !CASPER_SERVICES_COMMON_CONFINE_H */
