/*
 * po_untranslated.c - never compiled: a message no catalogue translates, so
 * agent_po_catches_missing proves po_complete.sh fails on one.
 */
#define _(s) (s)
const char *po_untranslated_probe(void);
const char *po_untranslated_probe(void)
{
	return _("a message nobody has translated yet");
}
