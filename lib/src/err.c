/* err.c - descriptions of the CL_E* codes */
#include "carelink/err.h"

const char *cl_strerror(int code)
{
	switch (code) {
	case CL_OK: return "ok";
	case CL_EINVAL: return "invalid input";
	case CL_ENOENT: return "not found";
	case CL_EAUTH: return "not authenticated";
	case CL_EFORBID: return "forbidden";
	case CL_ERETRY: return "transient failure";
	case CL_EFATAL: return "internal error";
	case CL_ETOOBIG: return "too large";
	case CL_ECONFLICT: return "conflict";
	case CL_EIO: return "i/o error";
	}
	return "unknown error";
}
