/*
 * The supervisor's record of restricted descriptors below the slow range.
 *
 * Keyed by open file description, not by process and number: the
 * supervisor keeps a copy of each restricted file and recognises it with
 * kcmp(KCMP_FILE) -- a socket or a pipe by its inode instead, so as not to
 * keep it open (records.c) -- so a child, a new program image or a receiver of
 * the descriptor is judged by the same record without any bookkeeping, and
 * the record cannot be lost by closing or renumbering.  Limits only ever
 * narrow a record.  FreeBSD keeps rights per descriptor; a second
 * descriptor for the same description (a dup made before the limit) is
 * judged by the record too -- stricter, never looser (DEVIATIONS.md).
 */
#ifndef CAPSICUM_SUPERVISOR_RECORDS_H
#define CAPSICUM_SUPERVISOR_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "../internal.h"
#include "../rights/state.h"

struct record {
	struct fd_state st;
	bool restricted; /* rights, ioctls or fcntls are not all */
};

/* Whether any descriptor is restricted at all (the fast path's test). */
CAPSICUM_HIDDEN bool records_any(void);

/*
 * Narrow the record of fd's description to st; fd is the supervisor's
 * copy, which the records keep or close.  0 or -errno.
 */
CAPSICUM_HIDDEN int records_limit(int fd, const struct fd_state *st);

/*
 * fd's record (all rights when there is none): 0, or -errno if unknowable
 * -- a file without a record once a limit could not be recorded.
 */
CAPSICUM_HIDDEN int records_get(int fd, struct record *out);

/*
 * The same for limits placed on slow numbers, kept only for the children
 * that inherit them (slow.c): every such limit on the description.
 */
CAPSICUM_HIDDEN int records_limit_inherited(int fd, const struct fd_state *st);
CAPSICUM_HIDDEN int records_get_inherited(int fd, struct record *out);

#endif
