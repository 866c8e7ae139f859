/*
 * home_crypt.h - is the agent's home encrypted at rest? A stolen commune
 * laptop is the likeliest way households' names, ID and phone numbers leak,
 * so "status" and "check" say when the home is on a plain disk.
 *
 * Two Debian mechanisms count: a dm-crypt (LUKS) block device under the
 * home's mount, directly or below LVM (the device-mapper uuid of the device
 * or one of its slaves starts with "CRYPT-"), and an fscrypt directory.
 * Everything else that is on a disk is plain; what cannot be resolved
 * (overlay, network file systems, no /proc or /sys) is "cannot tell", never
 * guessed either way.
 */
#ifndef AGENT_HOME_CRYPT_H
#define AGENT_HOME_CRYPT_H

#include <stddef.h>

typedef enum {
	HOME_CRYPT_UNKNOWN = 0, /* cannot tell: the reason says why */
	HOME_CRYPT_PLAIN,       /* on a block device with no encryption under it */
	HOME_CRYPT_MEMORY,      /* tmpfs/ramfs: never written to a disk */
	HOME_CRYPT_LUKS,        /* dm-crypt somewhere under the mount's device */
	HOME_CRYPT_FSCRYPT      /* the directory itself is encrypted (fscrypt) */
} home_crypt_state;

/* What the kernel says of the directory itself: fscrypt or not. */
typedef enum { HOME_FSCRYPT_UNKNOWN = 0, HOME_FSCRYPT_NO, HOME_FSCRYPT_YES } home_fscrypt;

/*
 * Whether the directory at path (absolute, already resolved: no symbolic
 * links) is encrypted. root prefixes "/proc/self/mountinfo" and "/sys" so
 * that a test can point at sample data ("" for the running system); fscrypt
 * is what home_crypt_probe_fscrypt said of the real directory. A reason for
 * HOME_CRYPT_UNKNOWN (and the device for the others) goes to why (n bytes,
 * always terminated; may be NULL).
 */
home_crypt_state home_crypt_classify(const char *root, const char *path, home_fscrypt fscrypt, char *why,
				     size_t n);

/* The fscrypt flag of the directory path (FS_IOC_GETFLAGS). */
home_fscrypt home_crypt_probe_fscrypt(const char *path);

/* The running system's answer for the directory dir (resolved here). */
home_crypt_state home_crypt_detect(const char *dir, char *why, size_t n);

/* The kernel's mount tables (mountinfo, /proc/mounts) escape space, tab,
 * newline and backslash as \ooo: undo that in place in one field. */
void home_crypt_unescape(char *s);

/* "luks", "fscrypt", "memory", "plain" or "unknown": the --json value. */
const char *home_crypt_name(home_crypt_state s);

#endif

/*
 * The agent side -----------------------------------------------------------
 * For "status" and "check": the home's encryption and the modes of what it
 * holds. A home on a plain disk and a file or folder others can read are
 * each a warning line on stderr (the exit code stays the command's own);
 * text_line adds "Encryption: ..." to the text output (status). With
 * --json, appends ",\"home_encryption\":...,\"home_open_to_others\":[...]"
 * to the object the caller is writing on ctx->out.
 */
struct agent_ctx;
void agent_home_at_rest(struct agent_ctx *ctx, int text_line);

/* The entries of the home (itself and its top level) that others can read
 * or write; each path goes to seen(path, mode, is_dir, arg). Returns how
 * many, or -1 when the home cannot be listed. */
int home_crypt_open_modes(const char *home,
			  void (*seen)(const char *path, unsigned mode, int is_dir, void *arg), void *arg);
