/*
 * Global names for a confined program that was never written for
 * Capsicum: the path table of the capsicum(1) command (brief section 6).
 * The table holds the grants: the supervisor's copies of the descriptors
 * the launcher entered, with the states they had.
 *
 * A supervisor started in SUP_PATHS mode routes every lookup from the
 * current directory, and the old path calls (open, stat, access, ...), to
 * itself.  In capability mode it answers them as lookups beneath the
 * caller's own descriptors: the table maps absolute prefixes to descriptor
 * numbers, an absolute path resolves beneath the entry with the longest
 * prefix, a relative one is first taken beneath the working directory the
 * table names.  The rest is an ordinary lookup beneath a directory
 * capability (lookup.c), with that descriptor's rights.  The table names
 * the caller's descriptors, so it translates names and grants nothing: a
 * program could make the same calls with openat() on the numbers.  It is
 * written only by processes outside capability mode.
 *
 * Symbolic links met on the way that leave their entry (an absolute
 * target, or ".." out of it) are followed through the table again; no
 * link is followed outside every entry.  Refusals can be reported, one
 * line each, and outside capability mode every path used can be recorded
 * for capsicum --learn.
 */
#ifndef CAPSICUM_SUPERVISOR_PATHS_H
#define CAPSICUM_SUPERVISOR_PATHS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/seccomp.h>

#include "../internal.h"
#include "records.h"
#include "serve.h"
#include "target.h"

/*
 * Normalise an absolute name without looking at the file system: no empty
 * components, no "." and no "..", which stops at "/".  out has PATH_MAX
 * bytes, and is not in.  0 or -ENAMETOOLONG.  (capsicum(1) names its
 * grants so too.)
 */
CAPSICUM_HIDDEN int paths_normalise(const char *in, char *out);

CAPSICUM_HIDDEN void paths_enable(void);
CAPSICUM_HIDDEN bool paths_enabled(void);

/* The name an entry was added under (report.c). */
CAPSICUM_HIDDEN const char *paths_entry_name(int e);

/* Which reports to write (PATH_LOG_* flags, report.c). */
CAPSICUM_HIDDEN void paths_report_flags(unsigned flags);

/* CTL_PATH_ADD, CTL_PATH_CWD, CTL_PATH_LOG (ctl.h). */
CAPSICUM_HIDDEN void serve_path_ctl(struct target *t, const struct seccomp_data *d,
                                    struct reply *r);

/* What a translated name came to. */
struct named {
	char shown[PATH_MAX]; /* the absolute, normalised name, for messages */
	int entry;            /* the table entry, or -1 */
	bool whole;           /* the name is the entry's own descriptor */
	bool ancestor;        /* the name is a directory above an entry (no descriptor) */
};

/*
 * Translate path, a name the caller gave from its current directory in
 * capability mode: on success path is rewritten to the rest beneath the
 * grant, whose descriptor (a copy, the caller's to close) is in *dir and
 * state in *rec ("" with n->whole for the descriptor itself).  follow:
 * whether the call follows a symbolic link in the last component.  0
 * (with n->ancestor and *dir -1 for a directory above an entry, whose
 * attributes alone may be read), or -ENOENT when no entry covers the
 * name, another -errno.
 */
CAPSICUM_HIDDEN int paths_resolve(char *path, bool follow, int *dir, struct record *rec,
                                  struct named *n);

/*
 * Report a refusal of call nr on name n (err: ECAPMODE, ENOTCAPABLE, or
 * ENOENT for a name no grant covers), missing the right missing (0 if
 * none was checked); entry_op: the call creates, removes or renames the
 * name, so the directory holding it is what a grant must cover.  Whether
 * it is a violation: a name nothing covers that does not exist is none.
 */
CAPSICUM_HIDDEN bool paths_refused(int nr, const struct named *n, int err, uint64_t missing,
                                   bool entry_op);

/*
 * execve(2) by name: refused in capability mode with a line of its own
 * (its name recorded under --learn); outside it, the call goes on.
 */
CAPSICUM_HIDDEN void paths_exec(struct target *t, const struct seccomp_data *d, struct reply *r);
CAPSICUM_HIDDEN void paths_exec_refused(const char *name);

/* Report a capability failure of another kind under capsicum --trace. */
CAPSICUM_HIDDEN void paths_traced(struct target *t, const struct seccomp_data *d, int err);

/*
 * Record a path the caller uses outside capability mode (capsicum --learn):
 * slot is the directory argument's index (dirfd), path what the caller
 * named, need the grant it takes (paths_grant_of); open: the call is an open,
 * whose O_CREAT of an existing file only writes to it.
 */
CAPSICUM_HIDDEN bool paths_learning(void);
/* The grant of capsicum(1) that holds right: 'r', 'w', 'c' or 'e' (--exec). */
CAPSICUM_HIDDEN char paths_grant_of(uint64_t right);
CAPSICUM_HIDDEN void paths_learn(struct target *t, int dirfd, const char *path, char need,
                                 bool open);

/*
 * The old calls that name a path from the current directory (open, stat,
 * access, ...): d as the equivalent *at call, in out.  NULL if d is none.
 */
CAPSICUM_HIDDEN const struct seccomp_data *paths_legacy(const struct seccomp_data *d,
                                                        struct seccomp_data *out);

/*
 * getcwd(2) in capability mode: the working directory the table names
 * (where relative names resolve), or ECAPMODE without one.
 */
CAPSICUM_HIDDEN void paths_getcwd(struct target *t, const struct seccomp_data *d, struct reply *r);

/* capsicum --net (net.c): connect and bind of Internet sockets, served. */
CAPSICUM_HIDDEN void net_grant(void);
CAPSICUM_HIDDEN void serve_net(struct target *t, const struct seccomp_data *d, struct reply *r);

/* The name of system call nr, for messages. */
CAPSICUM_HIDDEN const char *paths_call_name(int nr);

#endif
