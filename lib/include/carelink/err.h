/* err.h - error codes shared by every carelink module.
 *
 * Actions return 0 on success or a negative CL_E* code; predicates return bool.
 */
#ifndef CARELINK_ERR_H
#define CARELINK_ERR_H

enum cl_err {
	CL_OK = 0,
	CL_EINVAL = -1,   /* bad input: the caller's fault, retrying will not help */
	CL_ENOENT = -2,   /* the thing asked for does not exist */
	CL_EAUTH = -3,    /* identity missing, forged or expired */
	CL_EFORBID = -4,  /* identity valid, action not allowed */
	CL_ERETRY = -5,   /* transient: serialization failure, lost connection */
	CL_EFATAL = -6,   /* unexpected failure that retrying will not fix */
	CL_ETOOBIG = -7,  /* input exceeds a hard limit */
	CL_ECONFLICT = -8,/* state conflict (duplicate, already exists) */
	CL_EIO = -9,      /* I/O error talking to a file, broker or peer */
};

/* cl_strerror() - short lowercase description of a CL_E* code; never NULL. */
const char *cl_strerror(int code);

#endif
