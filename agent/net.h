/*
 * net.h - the agent's HTTPS client (libcurl) and the little JSON reading the
 * hub's answers need. Only enroll and sync go online; everything here pins
 * the hub CA, never turns certificate checks off, and retries with backoff.
 */
#ifndef MAIAM_AGENT_NET_H
#define MAIAM_AGENT_NET_H
#include "agent.h"

/* Files enrolment leaves in the agent home next to agent.key. */
#define AGENT_CA_FILE "hub-ca.pem"
#define AGENT_CERT_FILE "agent.crt"

/* The hub refuses bodies over one sealed change-set + 4 KiB (docs/PROTOCOL.md);
 * an over-limit upload ends in a closed connection, so we check first. */
#define AGENT_HUB_MAX_BODY (PROTO_MAX_ZBODY + 4096u)
/* Largest answer we read: a pull answer is one sealed change-set. */
#define AGENT_MAX_ANSWER (PROTO_MAX_ZBODY + 65536u)

/* How one request ended. */
enum {
	AGENT_NET_ANSWER = 0, /* the hub answered (any HTTP status, maybe 5xx after retries) */
	AGENT_NET_DOWN,       /* no answer after every retry: unreachable, reset, timed out */
	AGENT_NET_TLS,        /* the hub's certificate failed the pinned-CA or host check */
	AGENT_NET_LOCAL,      /* our side: bad client certificate/key file, out of memory */
};

typedef struct agent_net {
	void *curl;              /* CURL *, reused so pushes share one connection */
	void *share;             /* CURLSH *: the connections, shared with the photo uploads' handles */
	char base[512];          /* https://host:port, no trailing slash */
	char ca[AGENT_PATH_MAX]; /* pinned CA */
	char cert[AGENT_PATH_MAX]; /* client certificate, "" for none (enroll) */
	char key[AGENT_PATH_MAX];  /* the agent's private key file (never sent) */
	int tries;                 /* attempts per request (MAIAM_NET_TRIES, default 4) */
	long backoff_ms;           /* first backoff (MAIAM_NET_BACKOFF_MS, default 500) */
	/* Called about once a second during a transfer and between retries,
	 * so the command can show progress; may be NULL. */
	void (*tick)(void *arg);
	void *tick_arg;
	/* the ledger epoch of the pull cursor, sent as Maiam-Epoch on every
	 * request ("" for none: the hub answers as before epochs) */
	char epoch[17];
} agent_net;

typedef struct agent_http {
	long status;     /* HTTP status, 0 if none */
	proto_buf body;  /* the answer body, capped at AGENT_MAX_ANSWER */
	int64_t cursor;  /* Maiam-Cursor, -1 if absent */
	int more;        /* Maiam-More: 1 */
	int64_t offset;  /* Maiam-Offset (a photo upload), -1 if absent */
	char epoch[17];  /* Maiam-Epoch (a pull): the hub's ledger epoch, "" if absent or not one */
	int64_t acked;   /* Maiam-Acked (a pull): the hub's head of this laptop's chain, -1 if absent */
	char error[320]; /* what failed, for AGENT_NET_* != ANSWER */
} agent_http;

/* Set up n for base URL (must be https://); cert may be NULL. PROTO_EINVAL
 * for a URL that is not https://host[:port], PROTO_ETOOBIG for a file path
 * too long, PROTO_ECRYPTO or PROTO_ENOMEM when libcurl cannot start.
 * cmds.h's agent_net_start says which. */
proto_result agent_net_open(agent_net *n, const char *base, const char *ca, const char *cert,
			    const char *key);
void agent_net_close(agent_net *n);
void agent_http_init(agent_http *h);
void agent_http_release(agent_http *h);
/*
 * One request with retries: network errors and 5xx are retried with
 * exponential backoff and jitter; a 4xx or 2xx answer is returned at once.
 * body may be NULL for GET; ctype names a body; "PUT" sends it as POST
 * does. Returns AGENT_NET_*.
 */
int agent_net_request(agent_net *n, const char *method, const char *path, const char *ctype,
		      const uint8_t *body, size_t len, agent_http *out);

/*
 * The steps of agent_net_request, for a caller that drives its own libcurl
 * handles (the photo uploads, two at once on a multi handle: sync_photos.c)
 * with the very same options, certificate checks and answer reading.
 * A request is built once (agent_req_init: URL and headers, owned by rq
 * until agent_req_release) and tried as often as the caller decides: each
 * try arms a handle (agent_req_arm), and when libcurl says the transfer is
 * done, agent_req_done reads how it ended.
 */
#define AGENT_URL_MAX (512 + 256)
typedef struct agent_req {
	const char *method;  /* "GET", "HEAD", "POST" or "PUT" */
	const uint8_t *body; /* borrowed, NULL for none */
	size_t len;
	/* A photo's range (content_range given) is sent once per try: libcurl
	 * must not connect again and send it again from its start by itself
	 * when the connection it reused dies mid-body (it does for a
	 * POSTFIELDS body), since the hub keeps what came and the caller
	 * resumes from the hub's offset. Such a try ends as a network failure
	 * ("the connection was cut during the upload"). */
	int send_once;
	size_t sent; /* its bytes handed to libcurl in this try */
	char url[AGENT_URL_MAX];
	void *headers; /* struct curl_slist *, owned */
} agent_req;

/* content_range may be NULL ("bytes START-END/TOTAL" for a photo's range).
 * AGENT_NET_ANSWER when built, AGENT_NET_LOCAL (out->error says why). */
int agent_req_init(agent_req *rq, const agent_net *n, const char *method, const char *path,
		   const char *ctype, const char *content_range, const uint8_t *body, size_t len,
		   agent_http *out);
void agent_req_release(agent_req *rq);
/* Set the CURL * handle curl for one try of rq on n's shared connections,
 * the answer to go into out (cleared now). */
void agent_req_arm(agent_net *n, void *curl, agent_req *rq, agent_http *out);
/* How the try ended, from libcurl's CURLcode cc: AGENT_NET_ANSWER with
 * out->status and the Maiam- headers (a 5xx is the caller's to retry), or
 * AGENT_NET_DOWN, _TLS, _LOCAL with out->error. */
int agent_req_done(void *curl, int cc, agent_http *out);
/* The pause before try 'attempt' (2, 3...): exponential from n->backoff_ms,
 * capped, with jitter. */
long agent_net_backoff_ms(agent_net *n, int attempt);
/* Normalise a --hub value into base (strip trailing '/'); -1 if not https://host[:port]. */
int agent_net_base(const char *url, char *base, size_t n);

/* The hub's one-line message of a JSON error answer, or a fallback naming the status. */
void agent_http_message(const agent_http *h, char *out, size_t n);

/*
 * Is pem exactly one PEM block of this label ("PUBLIC KEY", "CERTIFICATE"),
 * with nothing before or after it but whitespace? A second key or certificate
 * appended to an enrolment answer would be read by nobody and kept by us.
 */
int agent_pem_single(const char *pem, const char *label);

/*
 * jsonread.c: read members of a JSON object (the hub's answers). path is a
 * member name, or "outer.inner" for one level of nesting. Strings are
 * unescaped into out (UTF-8). 1 found, 0 absent, -1 malformed, wrong type
 * or too long.
 */
int agent_json_get_str(const char *json, size_t len, const char *path, char *out, size_t outlen);
int agent_json_get_int(const char *json, size_t len, const char *path, int64_t *out);

#endif
