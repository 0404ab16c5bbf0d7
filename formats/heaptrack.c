/* placeholder: the heaptrack reader is written in the next commits */
#include "reader.h"

static bool probe(const uint8_t *buf, size_t n) { (void)buf; (void)n; return false; }
static int rd(struct input *in, struct capture_builder *b, struct mt_error *err)
{ (void)in; (void)b; return mt_error_set(err, MT_ERR_FORMAT, 0, "not implemented"); }
const struct reader heaptrack_reader = { "heaptrack", probe, rd };
