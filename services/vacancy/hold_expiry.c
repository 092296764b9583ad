/* hold_expiry.c - the thread that expires holds */
#include "vacancy.h"

int vac_expiry_start(struct vac_app *app)
{
	app->expiry = NULL;
	return 0;
}

void vac_expiry_stop(struct vac_app *app)
{
	app->expiry = NULL;
}
