/* Refusing to limit while an io_uring ring could bypass the filters. */
#ifndef CAPSICUM_RIGHTS_URING_H
#define CAPSICUM_RIGHTS_URING_H

#include <stdbool.h>

#include "../internal.h"

/* 0, or -EBUSY if the process holds an io_uring descriptor. */
CAPSICUM_HIDDEN int uring_check(void);

#endif
