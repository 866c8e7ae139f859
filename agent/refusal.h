/*
 * refusal.h - the hub's refusals in the user's language. The hub answers a
 * refusal with a code ("error") and an English sentence ("message"); the
 * laptop shows its own sentence for every code it knows (what happened and
 * what to do, translated), and the hub's English only for a code it does not
 * know, marked as the hub's words.
 */
#ifndef MAIAM_AGENT_REFUSAL_H
#define MAIAM_AGENT_REFUSAL_H
#include <stddef.h>
#include "net.h"

/* The translated sentence for code, or NULL when the code is not known.
 * The string is static (gettext's). */
const char *agent_refusal_sentence(const char *code);
/* What to show for a refusal with this code and the hub's message (either
 * may be NULL) into out (n bytes, always terminated). */
void agent_refusal_text(const char *code, const char *hub_message, char *out, size_t n);
/* The same for an HTTP answer of the hub: its "error" and "message". */
void agent_hub_refusal(const agent_http *h, char *out, size_t n);

#endif
