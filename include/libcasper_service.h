/*
 * <libcasper_service.h> -- writing a Casper service, as on FreeBSD: a
 * service is a limit function and a command function registered under a
 * name by CREATE_SERVICE() in the library (or program) that provides it.
 * cap_init() forks the Casper process from the program, so every service
 * linked into the program can be opened.  See libcasper_service(3).
 *
 * Linux addition: CREATE_SERVICE_CONFINED() also names a confinement
 * function, called in the service process before its first command and
 * again after every accepted limit, which may only narrow what the
 * process can reach (casper_confine_paths(); Landlock underneath).
 */
#ifndef _LIBCASPER_SERVICE_H_
#define _LIBCASPER_SERVICE_H_

#include <stdint.h>

#include <libcasper.h>
#include <sys/nv.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CASPER_SERVICE_STDIO          0x00000001 /* keep stdin, stdout, stderr */
#define CASPER_SERVICE_FD             0x00000002 /* keep the program's descriptors */
#define CASPER_SERVICE_NO_UNIQ_LIMITS 0x00000004 /* limits may repeat a name */

/*
 * Accepts newlimits (0) or refuses them: EINVAL for a malformed list,
 * ENOTCAPABLE for one that would widen oldlimits (NULL: none set yet).
 */
typedef int service_limit_func_t(const nvlist_t *oldlimits, const nvlist_t *newlimits);

/* Serves cmd with the arguments in nvlin; 0 or an errno for the client. */
typedef int service_command_func_t(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin,
                                   nvlist_t *nvlout);

/*
 * Narrows the service process to what limits (NULL: none yet) need; 0 or
 * an errno.  Called by the service process only.
 */
typedef int service_confine_func_t(const nvlist_t *limits);

struct casper_service;

struct casper_service *service_register(const char *name, service_limit_func_t *limitfunc,
                                        service_command_func_t *commandfunc, uint64_t flags);
struct casper_service *service_register_confined(const char *name, service_limit_func_t *limitfunc,
                                                 service_command_func_t *commandfunc,
                                                 service_confine_func_t *confinefunc,
                                                 uint64_t flags);

/* What casper_confine_paths() grants beneath each path. */
#define CASPER_PATH_READ   0x1 /* read files, list directories */
#define CASPER_PATH_WRITE  0x2 /* write and truncate files */
#define CASPER_PATH_EXEC   0x4 /* execute files */
#define CASPER_PATH_CREATE 0x8 /* make regular files beneath a directory */

/*
 * Restricts the calling process's file system access to the paths given
 * (each with its CASPER_PATH_* mask; paths that do not exist are skipped)
 * and denies it TCP unless net is true; may be called again to narrow
 * further.  0 or an errno; ENOSYS when the kernel has no Landlock.
 */
int casper_confine_paths(const char *const *paths, const int *access, size_t npaths, int net);

#define CREATE_SERVICE(name, limit_func, command_func, flags)                                      \
	static __attribute__((constructor)) void init_casper_service(void)                         \
	{                                                                                          \
		(void)service_register((name), (limit_func), (command_func), (flags));             \
	}

#define CREATE_SERVICE_CONFINED(name, limit_func, command_func, confine_func, flags)               \
	static __attribute__((constructor)) void init_casper_service(void)                         \
	{                                                                                          \
		(void)service_register_confined((name), (limit_func), (command_func),              \
		                                (confine_func), (flags));                          \
	}

#ifdef __cplusplus
}
#endif

#endif /* !_LIBCASPER_SERVICE_H_ */
