/*
 * fcntl(2) commands and what they need on a limited descriptor (spec 2.7).
 * A command missing from this table is refused on a limited descriptor:
 * new kernels add commands, and an unknown one must not slip through.
 */
#define _GNU_SOURCE
#include <fcntl.h>

#include <sys/capsicum.h>

#include "rules.h"

/* Newer than the 6.1 headers. */
#ifndef F_DUPFD_QUERY
#define F_DUPFD_QUERY 1027
#endif
#ifndef F_CREATED_QUERY
#define F_CREATED_QUERY 1028
#endif
#ifndef F_CANCELLK
#define F_CANCELLK 1029
#endif
#ifndef F_GETOWNER_UIDS
#define F_GETOWNER_UIDS 17
#endif

/* clang-format off */
const struct fcntl_rule fcntl_rules[] = {
	/* Descriptor flags belong to the table entry: no right, as on FreeBSD. */
	{F_GETFD, 0, 0},
	{F_SETFD, 0, 0},
	{F_DUPFD_QUERY, 0, 0},
	{F_CREATED_QUERY, 0, 0},
	/* Copies: the supervisor carries the rights along (RIGHT_COPY). */
	{F_DUPFD, RIGHT_COPY, 0},
	{F_DUPFD_CLOEXEC, RIGHT_COPY, 0},
	/* Status flags and ownership: CAP_FCNTL and the matching mask bit. */
	{F_GETFL, CAP_FCNTL, CAP_FCNTL_GETFL},
	{F_SETFL, CAP_FCNTL, CAP_FCNTL_SETFL},
	{F_GETOWN, CAP_FCNTL, CAP_FCNTL_GETOWN},
	{F_SETOWN, CAP_FCNTL, CAP_FCNTL_SETOWN},
	{F_GETOWN_EX, CAP_FCNTL, CAP_FCNTL_GETOWN},
	{F_SETOWN_EX, CAP_FCNTL, CAP_FCNTL_SETOWN},
	{F_GETOWNER_UIDS, CAP_FCNTL, CAP_FCNTL_GETOWN},
	{F_GETSIG, CAP_FCNTL, CAP_FCNTL_GETOWN}, /* the signal sent to the owner */
	{F_SETSIG, CAP_FCNTL, CAP_FCNTL_SETOWN},
	/* Record locks, open-file-description locks and leases. */
	{F_GETLK, CAP_FLOCK, 0},
	{F_SETLK, CAP_FLOCK, 0},
	{F_SETLKW, CAP_FLOCK, 0},
	{F_OFD_GETLK, CAP_FLOCK, 0},
	{F_OFD_SETLK, CAP_FLOCK, 0},
	{F_OFD_SETLKW, CAP_FLOCK, 0},
	{F_GETLEASE, CAP_FLOCK, 0},
	{F_SETLEASE, CAP_FLOCK, 0},
	{F_CANCELLK, CAP_FLOCK, 0},
	/* Directory change notification is an event source. */
	{F_NOTIFY, CAP_EVENT, 0},
	/* Queries need nothing; changes to the object need CAP_FCNTL. */
	{F_GETPIPE_SZ, 0, 0},
	{F_SETPIPE_SZ, CAP_FCNTL, 0},
	{F_GET_SEALS, 0, 0},
	{F_ADD_SEALS, 0, 0}, /* no right on FreeBSD either */
	{F_GET_RW_HINT, 0, 0},
	{F_SET_RW_HINT, CAP_FCNTL, 0},
	{F_GET_FILE_RW_HINT, 0, 0},
	{F_SET_FILE_RW_HINT, CAP_FCNTL, 0},
};
/* clang-format on */

const unsigned fcntl_rules_count = ARRAY_SIZE(fcntl_rules);
