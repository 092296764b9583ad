/* seed_posts.c - the demo posts of tools/demo/seed.json */
#include "records.h"

int rec_seed_demo_posts(struct rec_app *app)
{
	(void)app;
	return 0;
}
