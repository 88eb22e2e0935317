// GridTokenX on-chain C SDK: include this one header. See docs in each part.
#ifndef GTX_SDK_H
#define GTX_SDK_H

#include "gtx_error.h"
#include "gtx_input.h"
#include "gtx_math.h"
#include "gtx_syscalls.h"
#include "gtx_types.h"

#endif
