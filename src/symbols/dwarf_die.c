/*
 * dwarf_die: attribute values and address ranges of one DIE through libdwarf.
 */
#include "dwarf_die.h"

#include <dwarf.h>

void dwarf_die_drop(Dwarf_Debug dbg, Dwarf_Error *err)
{
	if (*err) {
		dwarf_dealloc_error(dbg, *err);
		*err = NULL;
	}
}

bool dwarf_die_udata(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at, Dwarf_Unsigned *out)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error err = NULL;
	bool ok = false;

	if (dwarf_attr(die, at, &attr, &err) == DW_DLV_OK) {
		Dwarf_Signed sv = 0;

		ok = dwarf_formudata(attr, out, &err) == DW_DLV_OK;
		dwarf_die_drop(dbg, &err);
		/* libdwarf 20210528 reads DW_FORM_implicit_const (GCC's call_file) as signed. */
		if (!ok && dwarf_formsdata(attr, &sv, &err) == DW_DLV_OK && sv >= 0) {
			*out = (Dwarf_Unsigned)sv;
			ok = true;
		}
		dwarf_die_drop(dbg, &err);
		dwarf_dealloc_attribute(attr);
	}
	dwarf_die_drop(dbg, &err);
	return ok;
}

const char *dwarf_die_string(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error err = NULL;
	char *s = NULL;

	if (dwarf_attr(die, at, &attr, &err) == DW_DLV_OK) {
		if (dwarf_formstring(attr, &s, &err) != DW_DLV_OK)
			s = NULL;
		dwarf_die_drop(dbg, &err);
		dwarf_dealloc_attribute(attr);
	}
	dwarf_die_drop(dbg, &err);
	return s;
}

bool dwarf_die_ref(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at, Dwarf_Off *out)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error err = NULL;
	bool ok = false;

	if (dwarf_attr(die, at, &attr, &err) == DW_DLV_OK) {
		ok = dwarf_global_formref(attr, out, &err) == DW_DLV_OK;
		dwarf_die_drop(dbg, &err);
		dwarf_dealloc_attribute(attr);
	}
	dwarf_die_drop(dbg, &err);
	return ok;
}

static void push_pair(struct vec *pairs, uint64_t low, uint64_t high)
{
	struct dwarf_pc_range p = { low, high };

	if (low < high)
		vec_push(pairs, &p);
}

/* DWARF 5 .debug_rnglists: libdwarf "cooks" the entries into addresses. */
static void rnglists_ranges(Dwarf_Debug dbg, Dwarf_Attribute attr, Dwarf_Half form,
			    struct vec *pairs)
{
	Dwarf_Rnglists_Head head = NULL;
	Dwarf_Unsigned value = 0, count = 0, global_off = 0;
	Dwarf_Error err = NULL;
	Dwarf_Off off;

	if (form == DW_FORM_rnglistx) {
		if (dwarf_formudata(attr, &value, &err) != DW_DLV_OK)
			goto out;
	} else {
		if (dwarf_global_formref(attr, &off, &err) != DW_DLV_OK)
			goto out;
		value = off;
	}
	if (dwarf_rnglists_get_rle_head(attr, form, value, &head, &count, &global_off, &err) !=
	    DW_DLV_OK)
		goto out;
	for (Dwarf_Unsigned i = 0; i < count; i++) {
		unsigned entry_len = 0, code = 0;
		Dwarf_Unsigned raw1, raw2, low, high;
		Dwarf_Bool unavailable = 0;

		if (dwarf_get_rnglists_entry_fields_a(head, i, &entry_len, &code, &raw1, &raw2,
						      &unavailable, &low, &high,
						      &err) != DW_DLV_OK)
			break;
		if (unavailable)
			continue;
		if (code == DW_RLE_offset_pair || code == DW_RLE_start_end ||
		    code == DW_RLE_start_length || code == DW_RLE_startx_endx ||
		    code == DW_RLE_startx_length)
			push_pair(pairs, low, high);
	}
out:
	dwarf_die_drop(dbg, &err);
	if (head)
		dwarf_dealloc_rnglists_head(head);
}

/* DWARF 2-4 .debug_ranges: offsets from the unit base, which an entry may move. */
static void debug_ranges(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Attribute attr, uint64_t base,
			 struct vec *pairs)
{
	Dwarf_Ranges *rb = NULL;
	Dwarf_Signed n = 0;
	Dwarf_Unsigned bytes = 0, udata;
	Dwarf_Error err = NULL;
	Dwarf_Off off, real_off;

	if (dwarf_global_formref(attr, &off, &err) != DW_DLV_OK) {
		dwarf_die_drop(dbg, &err);
		if (dwarf_formudata(attr, &udata, &err) != DW_DLV_OK)
			goto out;
		off = udata;
	}
	if (dwarf_get_ranges_b(dbg, off, die, &real_off, &rb, &n, &bytes, &err) != DW_DLV_OK)
		goto out;
	for (Dwarf_Signed i = 0; i < n; i++) {
		if (rb[i].dwr_type == DW_RANGES_END)
			break;
		if (rb[i].dwr_type == DW_RANGES_ADDRESS_SELECTION)
			base = rb[i].dwr_addr2;
		else
			push_pair(pairs, base + rb[i].dwr_addr1, base + rb[i].dwr_addr2);
	}
	dwarf_ranges_dealloc(dbg, rb, n);
out:
	dwarf_die_drop(dbg, &err);
}

void dwarf_die_ranges(Dwarf_Debug dbg, Dwarf_Die die, uint16_t version, uint64_t base,
		       struct vec *pairs)
{
	Dwarf_Addr low = 0, high = 0;
	Dwarf_Half form = 0;
	enum Dwarf_Form_Class cls = DW_FORM_CLASS_UNKNOWN;
	Dwarf_Attribute attr = NULL;
	Dwarf_Error err = NULL;

	if (dwarf_lowpc(die, &low, &err) == DW_DLV_OK &&
	    dwarf_highpc_b(die, &high, &form, &cls, &err) == DW_DLV_OK) {
		if (cls == DW_FORM_CLASS_CONSTANT)
			high = low + high < low ? low : low + high;
		push_pair(pairs, low, high);
		goto out;
	}
	dwarf_die_drop(dbg, &err);
	if (dwarf_attr(die, DW_AT_ranges, &attr, &err) != DW_DLV_OK)
		goto out;
	if (dwarf_whatform(attr, &form, &err) != DW_DLV_OK)
		goto out;
	if (version >= 5 || form == DW_FORM_rnglistx)
		rnglists_ranges(dbg, attr, form, pairs);
	else
		debug_ranges(dbg, die, attr, base, pairs);
out:
	dwarf_die_drop(dbg, &err);
	if (attr)
		dwarf_dealloc_attribute(attr);
}
