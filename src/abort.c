#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

_Noreturn void capsicum_abort(const char *file, int line, const char *what)
{
	fprintf(stderr, "libcapsicum: invalid argument (%s:%d: %s)\n", file, line, what);
	abort();
}
