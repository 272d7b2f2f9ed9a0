/*
 * reprise-fault-helper — Reprise's native fault helper: a userspace netem on NFQUEUE, a memory hog,
 * an I/O load, and measurement tools. Only libc (raw netlink, no libnetfilter_queue); built
 * statically (`cc -O2 -static`) by local-controller's Maven build and shipped in the agent jar as
 * the resource dev/reprise/agent/nativehelper/reprise-fault-helper-x86_64-linux.
 *
 * Usage (every subcommand accepts --until-epoch-ms T: it ends by itself when the wall clock reaches
 * T ms since the epoch; and --marker M, which it ignores: it is there so the agent finds the process
 * by its /proc/PID/cmdline; SIGTERM/SIGINT end it cleanly, exit status 0):
 *
 *   reprise-fault-helper netem --queue N [--delay-us D] [--jitter-us J] [--delay-correlation PCT]
 *       [--loss PCT] [--loss-correlation PCT] [--corrupt PCT] [--duplicate PCT]
 *       [--reorder PCT] [--reorder-correlation PCT] [--mark HEX] [--hold-in-kernel] [--until-epoch-ms T] [--marker M]
 *     Binds NFQUEUE queue N in the current network namespace (run it with
 *     `nsenter --target PID --net -- reprise-fault-helper netem ...`) and applies netem's semantics
 *     to every packet queued to it: iptables rules choose the packets, e.g.
 *       iptables -t mangle -A OUTPUT -m mark ! --mark 0x52505251 -j NFQUEUE --queue-num 7 --queue-bypass
 *     - delay D us ± jitter J us: uniform in [D-J, D+J) (netem without a distribution table),
 *       with netem's simple correlated random (--delay-correlation); held packets are released in
 *       due-time order (so jitter reorders, as netem's tfifo does).
 *     - loss, duplicate, corrupt, reorder: percentages, netem's order (duplicate, then loss, then
 *       corrupt, then reorder/delay) and netem's correlated random (`last` blended with `rho`).
 *     - corrupt flips one random bit beyond the IP header (IPv4 IHL, or the 40-byte IPv6 header) and
 *       reinjects the changed payload: the IP header stays valid, the TCP/UDP checksum fails.
 *     - duplicate sends one extra copy through a raw socket (IP_HDRINCL) carrying SO_MARK = --mark
 *       (default 0x52505251, "RPRQ"), so a rule that excludes that mark does not queue it again; it
 *       leaves at the original's release time, and is meant for outgoing packets (OUTPUT/POSTROUTING).
 *     - reorder PCT (needs a delay): that fraction is let through at once, the rest is delayed
 *       (netem's reorder with gap 1).
 *     - delayed TCP packets queued at OUTPUT (hook LOCAL_OUT) are copied, dropped at once and the
 *       copy is resent through the marked raw socket when due: a packet held in the queue stays
 *       charged to its socket, and TCP Small Queues would throttle a delayed TCP flow to a trickle
 *       (netem calls skb_orphan_partial for the same reason). --hold-in-kernel keeps every packet in
 *       the queue instead. Other packets, and packets queued elsewhere (PREROUTING, INPUT, FORWARD,
 *       POSTROUTING: queue egress at OUTPUT, not POSTROUTING), are held in the kernel's queue and
 *       accepted when due (a held UDP datagram stays charged to its socket's send buffer, so a
 *       delayed UDP sender is limited to about SO_SNDBUF per delay). A queued packet carrying our mark (the rule does
 *       not exclude it) is accepted unchanged, with a warning, so nothing loops.
 *     The queue holds up to 16384 packets and fails open (a full queue lets traffic pass). Prints
 *     "netem: bound queue N ..." when bound. On SIGTERM/SIGINT/until: accepts every held packet,
 *     unbinds, prints "netem: stopped ..." with counters, exits 0. (If killed with SIGKILL, the
 *     kernel drops the packets it still held, and --queue-bypass lets new ones pass.)
 *     Correlation is netem's old simple one: like netem's, it also pulls the effective rate of a
 *     correlated loss toward less than asked (e.g. loss 30 % with 75 % correlation drops about 5-10 %).
 *
 *   reprise-fault-helper memory --mib N [--rate-mib-per-s R] [--join FILE]... [--until-epoch-ms T] [--marker M]
 *     Writes its PID to every --join file (cgroup.procs), then allocates and touches N MiB (R MiB/s
 *     when given, else at once), prints "memory: holding N MiB" and holds it until until/SIGTERM.
 *
 *   reprise-fault-helper io --path DIR --mode read|write|readwrite [--size-mib N (64)] [--block-kib B (1024)]
 *       [--join FILE]... [--until-epoch-ms T] [--marker M]
 *     Joins the cgroups, then loops: write pass (DIR/.reprise-io-PID, fsync) and/or read pass
 *     (posix_fadvise DONTNEED first, so reads reach the device). Deletes the file on exit.
 *
 *   reprise-fault-helper udp-echo --port P [--until-epoch-ms T]
 *   reprise-fault-helper udp-ping --to IP:PORT --count N --interval-ms I [--size BYTES (64)] [--wait-ms W (1000)]
 *     prints {"sent":..,"received":..,"duplicates":..,"reordered":..,"loss_pct":..,
 *             "rtt_ms":{"min":..,"p50":..,"mean":..,"p99":..,"max":..}}  (rtt_ms null when nothing came back)
 *   reprise-fault-helper tcp-sink --port P [--until-epoch-ms T]
 *   reprise-fault-helper tcp-source --to IP:PORT --seconds S
 *     prints {"bytes":..,"seconds":..,"mbit_per_s":..} (bytes as counted by the sink)
 *
 * Exit status: 0 done, 1 runtime failure (message on stderr), 2 usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>

#define PROG "reprise-fault-helper"
#define DEFAULT_MARK 0x52505251u
#define QUEUE_MAXLEN 16384u
#define MAX_JOIN 64

/* ---------------------------------------------------------------- common */

static volatile sig_atomic_t g_stop;
static int64_t g_until_ms = -1;
static const char *g_join[MAX_JOIN];
static int g_njoin;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

/* SIGTERM/SIGINT/SIGHUP set g_stop and interrupt blocking calls (no SA_RESTART). */
static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

static void die(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, PROG ": ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(status);
}

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int should_stop(void) { return g_stop || (g_until_ms >= 0 && wall_ms() >= g_until_ms); }

/* Nanoseconds until --until-epoch-ms (0 when reached), or `cap` when none is given or it is further. */
static int64_t until_left_ns(int64_t cap) {
  if (g_until_ms < 0) return cap;
  int64_t left = (g_until_ms - wall_ms()) * 1000000LL;
  if (left < 0) left = 0;
  return left < cap ? left : cap;
}

/* Sleeps up to ns, woken early by a signal; returns early when should_stop(). */
static void nap_ns(int64_t ns) {
  ns = until_left_ns(ns);
  if (ns <= 0) return;
  struct timespec ts = {(time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL)};
  nanosleep(&ts, NULL);
}

static const char *need(int argc, char **argv, int *i) {
  if (*i + 1 >= argc) die(2, "option %s needs a value", argv[*i]);
  return argv[++*i];
}

static int64_t parse_int(const char *opt, const char *s, int64_t min, int64_t max) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max)
    die(2, "%s: expected an integer in [%" PRId64 ", %" PRId64 "], got '%s'", opt, min, max, s);
  return v;
}

static double parse_pct(const char *opt, const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end != s && *end == '%') end++;
  if (errno || end == s || *end || !(v >= 0 && v <= 100)) die(2, "%s: expected a percentage in [0, 100], got '%s'", opt, s);
  return v;
}

/* The options every subcommand takes; returns 1 when argv[*i] was one of them. */
static int common_option(int argc, char **argv, int *i) {
  const char *a = argv[*i];
  if (!strcmp(a, "--until-epoch-ms")) {
    g_until_ms = parse_int(a, need(argc, argv, i), 0, INT64_MAX / 2);
  } else if (!strcmp(a, "--marker")) {
    need(argc, argv, i);
  } else if (!strcmp(a, "--join")) {
    if (g_njoin == MAX_JOIN) die(2, "at most %d --join files", MAX_JOIN);
    g_join[g_njoin++] = need(argc, argv, i);
  } else {
    return 0;
  }
  return 1;
}

/* Writes our PID into every --join file (a cgroup's cgroup.procs), so our usage is charged there. */
static void join_cgroups(void) {
  char pid[32];
  int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
  for (int k = 0; k < g_njoin; k++) {
    int fd = open(g_join[k], O_WRONLY | O_CLOEXEC);
    if (fd < 0) die(1, "cannot open %s: %s", g_join[k], strerror(errno));
    if (write(fd, pid, (size_t)n) != n) die(1, "cannot write our PID into %s: %s", g_join[k], strerror(errno));
    close(fd);
  }
}

/* Parses "A.B.C.D:PORT" or "[v6]:PORT". */
static socklen_t parse_endpoint(const char *opt, const char *s, struct sockaddr_storage *out) {
  char host[128];
  const char *colon = strrchr(s, ':');
  if (!colon || colon == s || (size_t)(colon - s) >= sizeof host) die(2, "%s: expected IP:PORT, got '%s'", opt, s);
  memcpy(host, s, (size_t)(colon - s));
  host[colon - s] = 0;
  int port = (int)parse_int(opt, colon + 1, 1, 65535);
  memset(out, 0, sizeof *out);
  size_t hl = strlen(host);
  if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
    host[hl - 1] = 0;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1) die(2, "%s: bad IPv6 address in '%s'", opt, s);
    return sizeof *a6;
  }
  struct sockaddr_in *a4 = (struct sockaddr_in *)out;
  a4->sin_family = AF_INET;
  a4->sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) die(2, "%s: bad IPv4 address in '%s'", opt, s);
  return sizeof *a4;
}

/* ---------------------------------------------------------------- random (netem's) */

static uint64_t g_rng;

static void seed_random(void) {
  if (getrandom(&g_rng, sizeof g_rng, 0) != (ssize_t)sizeof g_rng) g_rng = (uint64_t)mono_ns() ^ ((uint64_t)getpid() << 32);
}

/* splitmix64 */
static uint32_t rand_u32(void) {
  uint64_t z = (g_rng += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (uint32_t)((z ^ (z >> 31)) >> 32);
}

/* netem's correlated random (sch_netem.c get_crandom): rho = correlation scaled to 2^32. */
struct crnd {
  uint32_t rho;
  uint32_t last;
};

static uint32_t crandom(struct crnd *s) {
  if (s->rho == 0) return rand_u32();
  uint64_t value = rand_u32();
  uint64_t rho = (uint64_t)s->rho + 1;
  uint32_t answer = (uint32_t)((value * ((1ULL << 32) - rho) + (uint64_t)s->last * rho) >> 32);
  s->last = answer;
  return answer;
}

/* A percentage as netem keeps it: a u32 threshold, compared as `p && p >= random`. */
static uint32_t pct_u32(double pct) {
  if (pct <= 0) return 0;
  if (pct >= 100) return UINT32_MAX;
  return (uint32_t)(pct / 100.0 * 4294967295.0);
}

static int chance(uint32_t p, struct crnd *s) { return p && p >= crandom(s); }

/* ---------------------------------------------------------------- netem: nfqueue over raw netlink */

struct held {
  int64_t due_ns;
  uint64_t seq; /* FIFO among equal due times */
  uint32_t id;
  uint32_t len, dup_len;
  unsigned char *payload; /* the corrupted payload to reinject, or (resend) the whole packet, or NULL */
  unsigned char *dup;     /* the duplicate to send, or NULL */
  int resend;             /* the kernel's copy was dropped: payload is sent through the raw socket */
};

static struct held *g_heap;
static size_t g_nheap, g_capheap;

static int held_before(const struct held *a, const struct held *b) {
  return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void heap_push(struct held h) {
  if (g_nheap == g_capheap) {
    g_capheap = g_capheap ? g_capheap * 2 : 1024;
    g_heap = realloc(g_heap, g_capheap * sizeof *g_heap);
    if (!g_heap) die(1, "out of memory for held packets");
  }
  size_t i = g_nheap++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!held_before(&h, &g_heap[p])) break;
    g_heap[i] = g_heap[p];
    i = p;
  }
  g_heap[i] = h;
}

static struct held heap_pop(void) {
  struct held top = g_heap[0];
  struct held last = g_heap[--g_nheap];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= g_nheap) break;
    if (c + 1 < g_nheap && held_before(&g_heap[c + 1], &g_heap[c])) c++;
    if (!held_before(&g_heap[c], &last)) break;
    g_heap[i] = g_heap[c];
    i = c;
  }
  if (g_nheap > 0) g_heap[i] = last;
  return top;
}

struct netem {
  uint16_t queue;
  uint32_t mark;
  int64_t delay_us, jitter_us;
  uint32_t loss, duplicate, corrupt, reorder;
  struct crnd delay_c, loss_c, dup_c, corrupt_c, reorder_c;
  int resend_local_out; /* delayed LOCAL_OUT packets: copy, drop, resend at due time (see send_raw) */
  uint64_t resend_bytes; /* bytes of copies held for resending */
  int nl;          /* NETLINK_NETFILTER socket */
  int raw4, raw6;  /* raw sockets for duplicates (-1 until needed) */
  uint32_t nlseq;
  unsigned char vbuf[65536]; /* batched verdicts without payload */
  size_t vlen;
  uint64_t seq;
  uint64_t n_packets, n_dropped, n_duplicated, n_corrupted, n_reordered, n_delayed, n_resent, n_own_mark, n_errors, n_raw_failed;
};

static struct nlmsghdr *nl_begin(unsigned char *buf, size_t *off, uint16_t type, uint16_t flags, uint32_t seq, uint16_t queue) {
  struct nlmsghdr *h = (struct nlmsghdr *)(buf + *off);
  memset(h, 0, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg)));
  h->nlmsg_type = (uint16_t)((NFNL_SUBSYS_QUEUE << 8) | type);
  h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
  h->nlmsg_seq = seq;
  struct nfgenmsg *g = (struct nfgenmsg *)NLMSG_DATA(h);
  g->nfgen_family = AF_UNSPEC;
  g->version = NFNETLINK_V0;
  g->res_id = htons(queue);
  *off += NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
  return h;
}

static void nl_attr(unsigned char *buf, size_t *off, uint16_t type, const void *data, size_t len) {
  struct nlattr *a = (struct nlattr *)(buf + *off);
  a->nla_type = type;
  a->nla_len = (uint16_t)(NLA_HDRLEN + len);
  memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
  memset((unsigned char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(a->nla_len) - a->nla_len);
  *off += NLA_ALIGN(a->nla_len);
}

static void nl_end(unsigned char *buf, size_t start, size_t off) { ((struct nlmsghdr *)(buf + start))->nlmsg_len = (uint32_t)(off - start); }

static void nl_send(struct netem *ne, const void *buf, size_t len) {
  struct sockaddr_nl to = {.nl_family = AF_NETLINK};
  while (sendto(ne->nl, buf, len, 0, (struct sockaddr *)&to, sizeof to) < 0) {
    if (errno == EINTR) continue;
    ne->n_errors++;
    if (ne->n_errors <= 5) fprintf(stderr, PROG ": netem: netlink send failed: %s\n", strerror(errno));
    return;
  }
}

static void verdict_flush(struct netem *ne) {
  if (ne->vlen) nl_send(ne, ne->vbuf, ne->vlen);
  ne->vlen = 0;
}

/* Queues (payload == NULL) or sends (with a changed payload) one verdict. */
static void verdict(struct netem *ne, uint32_t id, uint32_t v, const unsigned char *payload, uint32_t len) {
  struct nfqnl_msg_verdict_hdr vh = {.verdict = htonl(v), .id = htonl(id)};
  if (!payload) {
    if (ne->vlen + 64 > sizeof ne->vbuf) verdict_flush(ne);
    size_t start = ne->vlen;
    nl_begin(ne->vbuf, &ne->vlen, NFQNL_MSG_VERDICT, 0, ++ne->nlseq, ne->queue);
    nl_attr(ne->vbuf, &ne->vlen, NFQA_VERDICT_HDR, &vh, sizeof vh);
    nl_end(ne->vbuf, start, ne->vlen);
    return;
  }
  verdict_flush(ne); /* keep verdicts in order */
  static unsigned char buf[65536 + 256];
  size_t off = 0;
  nl_begin(buf, &off, NFQNL_MSG_VERDICT, 0, ++ne->nlseq, ne->queue);
  nl_attr(buf, &off, NFQA_VERDICT_HDR, &vh, sizeof vh);
  nl_attr(buf, &off, NFQA_PAYLOAD, payload, len);
  nl_end(buf, 0, off);
  nl_send(ne, buf, off);
}

/*
 * Sends a whole IP packet (a duplicate, or a delayed copy whose original was dropped) through a raw
 * socket (IP_HDRINCL) marked with ne->mark, which the queueing rule excludes; returns 1 when sent.
 */
static int send_raw(struct netem *ne, const unsigned char *pkt, uint32_t len) {
  int version = len ? pkt[0] >> 4 : 0;
  int *fd = version == 4 ? &ne->raw4 : version == 6 ? &ne->raw6 : NULL;
  if (!fd || (version == 4 && len < 20) || (version == 6 && len < 40)) return 0;
  if (*fd < 0) {
    *fd = socket(version == 4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (*fd < 0 || setsockopt(*fd, SOL_SOCKET, SO_MARK, &ne->mark, sizeof ne->mark) < 0) {
      if (ne->n_raw_failed++ < 5) fprintf(stderr, PROG ": netem: cannot open a marked raw socket: %s\n", strerror(errno));
      if (*fd >= 0) close(*fd);
      *fd = -1;
      return 0;
    }
    int sndbuf = 16 << 20;
    if (setsockopt(*fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) < 0) setsockopt(*fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  }
  struct sockaddr_storage to;
  socklen_t tolen;
  memset(&to, 0, sizeof to);
  if (version == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)&to;
    a->sin_family = AF_INET;
    memcpy(&a->sin_addr, pkt + 16, 4);
    tolen = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to;
    a->sin6_family = AF_INET6;
    memcpy(&a->sin6_addr, pkt + 24, 16);
    tolen = sizeof *a;
  }
  if (sendto(*fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&to, tolen) < 0) {
    if (ne->n_raw_failed++ < 5) fprintf(stderr, PROG ": netem: sending through the raw socket failed: %s\n", strerror(errno));
    return 0;
  }
  return 1;
}

static void release(struct netem *ne, struct held *h) {
  if (h->resend) {
    ne->resend_bytes -= h->len;
    ne->n_resent += (uint64_t)send_raw(ne, h->payload, h->len);
  } else {
    verdict(ne, h->id, NF_ACCEPT, h->payload, h->len);
  }
  if (h->dup) {
    verdict_flush(ne); /* the original first */
    ne->n_duplicated += (uint64_t)send_raw(ne, h->dup, h->dup_len);
  }
  free(h->payload);
  free(h->dup);
}

static unsigned char *memdup(const unsigned char *p, uint32_t len) {
  unsigned char *c = malloc(len ? len : 1);
  if (!c) die(1, "out of memory");
  memcpy(c, p, len);
  return c;
}

/* The length of the IP header of a packet, or 0 when it is not IPv4/IPv6. */
static uint32_t ip_header_len(const unsigned char *p, uint32_t len) {
  if (len < 1) return 0;
  if (p[0] >> 4 == 4) return (uint32_t)(p[0] & 0x0f) * 4;
  if (p[0] >> 4 == 6) return 40;
  return 0;
}

/* Whether an IP packet carries TCP right after its IP header (IPv6 extension headers: no). */
static int is_tcp(const unsigned char *p, uint32_t len) {
  if (len >= 20 && p[0] >> 4 == 4) return p[9] == IPPROTO_TCP;
  if (len >= 40 && p[0] >> 4 == 6) return p[6] == IPPROTO_TCP;
  return 0;
}

/* At most this many bytes of copies are held for resending; beyond, the kernel holds the packets. */
#define RESEND_MAX_BYTES (256u << 20)

/* netem_enqueue's decisions for one queued packet, seen at netfilter hook `hook`. */
static void on_packet(struct netem *ne, uint32_t id, const unsigned char *pkt, uint32_t len, int whole, int hook) {
  ne->n_packets++;
  int count = 1;
  if (chance(ne->duplicate, &ne->dup_c)) count++;
  if (chance(ne->loss, &ne->loss_c)) count--;
  if (count == 0) {
    ne->n_dropped++;
    verdict(ne, id, NF_DROP, NULL, 0);
    return;
  }
  struct held h = {.id = id};
  if (count > 1 && pkt && whole) {
    h.dup = memdup(pkt, len);
    h.dup_len = len;
  }
  if (chance(ne->corrupt, &ne->corrupt_c) && pkt && whole) {
    uint32_t hl = ip_header_len(pkt, len);
    if (hl && len > hl) {
      h.payload = memdup(pkt, len);
      h.len = len;
      uint32_t at = hl + rand_u32() % (len - hl);
      h.payload[at] ^= (unsigned char)(1u << (rand_u32() % 8));
      ne->n_corrupted++;
    }
  }
  int64_t now = mono_ns();
  if (ne->delay_us == 0 && ne->jitter_us == 0) {
    release(ne, &h);
    return;
  }
  if (chance(ne->reorder, &ne->reorder_c)) {
    ne->n_reordered++;
    release(ne, &h);
    return;
  }
  int64_t d = ne->delay_us;
  if (ne->jitter_us > 0) d = (int64_t)(crandom(&ne->delay_c) % (uint64_t)(2 * ne->jitter_us)) + ne->delay_us - ne->jitter_us;
  if (d < 0) d = 0;
  h.due_ns = now + d * 1000;
  h.seq = ne->seq++;
  ne->n_delayed++;
  /*
   * A packet of a local socket held in the queue stays charged to that socket, and TCP Small Queues
   * then lets only about 1 ms of its pacing rate be in flight inside the host: a 50 ms delay would
   * throttle TCP to a trickle (netem avoids it with skb_orphan_partial). So a delayed LOCAL_OUT packet
   * is copied, its original dropped now (freeing the socket's budget; TCP counts it as sent), and the
   * copy sent through the marked raw socket when due. TCP only: its segments fit the route's MTU (a
   * raw socket does not fragment), and other protocols have no such throttle.
   */
  if (ne->resend_local_out && hook == NF_INET_LOCAL_OUT && whole && is_tcp(pkt, len) && ne->resend_bytes + len <= RESEND_MAX_BYTES) {
    if (!h.payload) {
      h.payload = memdup(pkt, len);
      h.len = len;
    }
    h.resend = 1;
    ne->resend_bytes += len;
    verdict(ne, id, NF_DROP, NULL, 0);
  }
  heap_push(h);
}

static void on_netlink(struct netem *ne, unsigned char *buf, ssize_t n) {
  for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
    if (h->nlmsg_type == NLMSG_ERROR) {
      struct nlmsgerr *e = (struct nlmsgerr *)NLMSG_DATA(h);
      if (e->error) {
        ne->n_errors++;
        if (ne->n_errors <= 5) fprintf(stderr, PROG ": netem: kernel refused a verdict: %s\n", strerror(-e->error));
      }
      continue;
    }
    if (h->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET)) continue;
    unsigned char *attrs = (unsigned char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
    int left = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct nfgenmsg)));
    struct nfqnl_msg_packet_hdr *ph = NULL;
    unsigned char *payload = NULL;
    uint32_t plen = 0, caplen = 0, mark = 0;
    while (left >= (int)NLA_HDRLEN) {
      struct nlattr *a = (struct nlattr *)attrs;
      if (a->nla_len < NLA_HDRLEN || a->nla_len > left) break;
      unsigned char *data = attrs + NLA_HDRLEN;
      uint32_t dlen = a->nla_len - NLA_HDRLEN;
      switch (a->nla_type & NLA_TYPE_MASK) {
        case NFQA_PACKET_HDR:
          if (dlen >= sizeof *ph) ph = (struct nfqnl_msg_packet_hdr *)data;
          break;
        case NFQA_PAYLOAD:
          payload = data;
          plen = dlen;
          break;
        case NFQA_CAP_LEN:
          if (dlen >= 4) {
            uint32_t v;
            memcpy(&v, data, 4);
            caplen = ntohl(v);
          }
          break;
        case NFQA_MARK:
          if (dlen >= 4) {
            uint32_t v;
            memcpy(&v, data, 4);
            mark = ntohl(v);
          }
          break;
      }
      int step = (int)NLA_ALIGN(a->nla_len);
      attrs += step;
      left -= step;
    }
    if (!ph) continue;
    if (mark == ne->mark && ne->mark != 0) {
      /* one of our own duplicates or resent copies: the rule does not exclude our mark */
      if (ne->n_own_mark++ == 0)
        fprintf(stderr, PROG ": netem: a packet carrying our mark 0x%x was queued again; the rule should exclude it "
                "(-m mark ! --mark 0x%x); letting such packets through unchanged\n", ne->mark, ne->mark);
      verdict(ne, ntohl(ph->packet_id), NF_ACCEPT, NULL, 0);
      continue;
    }
    int whole = payload && (caplen == 0 || caplen == plen);
    on_packet(ne, ntohl(ph->packet_id), payload, plen, whole, ph->hook);
  }
}

/* Sends one config message and waits for its ACK; packets arriving meanwhile are let through. */
static int nfq_config(struct netem *ne, unsigned char *msg, size_t len, uint32_t seq) {
  nl_send(ne, msg, len);
  static unsigned char buf[1 << 17];
  for (;;) {
    ssize_t n = recv(ne->nl, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR || errno == ENOBUFS) continue;
      return -errno;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == seq) return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
      if (h->nlmsg_type == ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET)) {
        /* a packet before we are configured: accept it unchanged */
        ssize_t one = (ssize_t)h->nlmsg_len;
        unsigned char *attrs = (unsigned char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
        int left = (int)one - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct nfgenmsg)));
        while (left >= (int)NLA_HDRLEN) {
          struct nlattr *a = (struct nlattr *)attrs;
          if (a->nla_len < NLA_HDRLEN || a->nla_len > left) break;
          if ((a->nla_type & NLA_TYPE_MASK) == NFQA_PACKET_HDR) {
            struct nfqnl_msg_packet_hdr *ph = (struct nfqnl_msg_packet_hdr *)(attrs + NLA_HDRLEN);
            verdict(ne, ntohl(ph->packet_id), NF_ACCEPT, NULL, 0);
            verdict_flush(ne);
          }
          int step = (int)NLA_ALIGN(a->nla_len);
          attrs += step;
          left -= step;
        }
      }
    }
  }
}

static int cmd_netem(int argc, char **argv) {
  static struct netem ne;
  double loss = 0, dup = 0, corrupt = 0, reorder = 0, delay_corr = 0, loss_corr = 0, reorder_corr = 0;
  int64_t queue = -1;
  ne.mark = DEFAULT_MARK;
  ne.raw4 = ne.raw6 = -1;
  ne.resend_local_out = 1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (common_option(argc, argv, &i)) continue;
    if (!strcmp(a, "--queue")) queue = parse_int(a, need(argc, argv, &i), 0, 65535);
    else if (!strcmp(a, "--delay-us")) ne.delay_us = parse_int(a, need(argc, argv, &i), 0, 3600LL * 1000000);
    else if (!strcmp(a, "--jitter-us")) ne.jitter_us = parse_int(a, need(argc, argv, &i), 0, INT32_MAX / 2);
    else if (!strcmp(a, "--delay-correlation")) delay_corr = parse_pct(a, need(argc, argv, &i));
    else if (!strcmp(a, "--loss")) loss = parse_pct(a, need(argc, argv, &i));
    else if (!strcmp(a, "--loss-correlation")) loss_corr = parse_pct(a, need(argc, argv, &i));
    else if (!strcmp(a, "--corrupt")) corrupt = parse_pct(a, need(argc, argv, &i));
    else if (!strcmp(a, "--duplicate")) dup = parse_pct(a, need(argc, argv, &i));
    else if (!strcmp(a, "--reorder")) reorder = parse_pct(a, need(argc, argv, &i));
    else if (!strcmp(a, "--reorder-correlation")) reorder_corr = parse_pct(a, need(argc, argv, &i));
    else if (!strcmp(a, "--hold-in-kernel")) ne.resend_local_out = 0;
    else if (!strcmp(a, "--mark")) {
      const char *s = need(argc, argv, &i);
      char *end;
      errno = 0;
      unsigned long m = strtoul(s, &end, 16);
      if (errno || end == s || *end || m > UINT32_MAX) die(2, "--mark: expected a hexadecimal 32-bit mark, got '%s'", s);
      ne.mark = (uint32_t)m;
    } else die(2, "netem: unknown option '%s'", a);
  }
  if (queue < 0) die(2, "netem: --queue N is required");
  if (reorder > 0 && ne.delay_us == 0) die(2, "netem: --reorder needs --delay-us (the packets not reordered are the delayed ones)");
  ne.queue = (uint16_t)queue;
  ne.loss = pct_u32(loss);
  ne.duplicate = pct_u32(dup);
  ne.corrupt = pct_u32(corrupt);
  ne.reorder = pct_u32(reorder);
  ne.delay_c.rho = pct_u32(delay_corr);
  ne.loss_c.rho = pct_u32(loss_corr);
  ne.dup_c.rho = 0;
  ne.corrupt_c.rho = 0;
  ne.reorder_c.rho = pct_u32(reorder_corr);
  seed_random();
  install_signals();

  ne.nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (ne.nl < 0) die(1, "netem: cannot open a NETLINK_NETFILTER socket: %s", strerror(errno));
  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  if (bind(ne.nl, (struct sockaddr *)&local, sizeof local) < 0) die(1, "netem: cannot bind the netlink socket: %s", strerror(errno));
  int rcvbuf = 8 << 20, one = 1;
  if (setsockopt(ne.nl, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
    setsockopt(ne.nl, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  setsockopt(ne.nl, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);

  /* The payload is copied only when we change, duplicate or resend it; otherwise the headers are enough. */
  int need_payload = ne.corrupt || ne.duplicate || (ne.resend_local_out && (ne.delay_us || ne.jitter_us));
  static unsigned char msg[512];
  size_t off = 0;
  uint32_t seq = ++ne.nlseq;
  nl_begin(msg, &off, NFQNL_MSG_CONFIG, NLM_F_ACK, seq, ne.queue);
  struct nfqnl_msg_config_cmd cmd = {.command = NFQNL_CFG_CMD_BIND, .pf = htons(AF_UNSPEC)};
  nl_attr(msg, &off, NFQA_CFG_CMD, &cmd, sizeof cmd);
  struct nfqnl_msg_config_params params = {.copy_range = htonl(need_payload ? 0xffff : 128), .copy_mode = NFQNL_COPY_PACKET};
  nl_attr(msg, &off, NFQA_CFG_PARAMS, &params, sizeof params);
  uint32_t maxlen = htonl(QUEUE_MAXLEN);
  nl_attr(msg, &off, NFQA_CFG_QUEUE_MAXLEN, &maxlen, sizeof maxlen);
  uint32_t flags = htonl(NFQA_CFG_F_FAIL_OPEN), mask = htonl(NFQA_CFG_F_FAIL_OPEN);
  nl_attr(msg, &off, NFQA_CFG_FLAGS, &flags, sizeof flags);
  nl_attr(msg, &off, NFQA_CFG_MASK, &mask, sizeof mask);
  nl_end(msg, 0, off);
  int err = nfq_config(&ne, msg, off, seq);
  if (err) {
    die(1, "netem: cannot bind NFQUEUE queue %u: %s%s", ne.queue, strerror(-err),
        err == -EBUSY ? " (another process holds this queue)" : err == -EPERM ? " (needs CAP_NET_ADMIN in the network namespace)" : "");
  }
  printf("netem: bound queue %u delay_us=%" PRId64 " jitter_us=%" PRId64 " loss=%g duplicate=%g corrupt=%g reorder=%g mark=0x%x hold=%s\n",
         ne.queue, ne.delay_us, ne.jitter_us, loss, dup, corrupt, reorder, ne.mark, ne.resend_local_out ? "resend-local-out" : "kernel");
  fflush(stdout);

  sigset_t block, orig;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGHUP);
  sigprocmask(SIG_BLOCK, &block, &orig);
  static unsigned char buf[1 << 17];
  while (!should_stop()) {
    int64_t now = mono_ns();
    while (g_nheap && g_heap[0].due_ns <= now) {
      struct held h = heap_pop();
      release(&ne, &h);
    }
    verdict_flush(&ne);
    int64_t wait = 1000000000LL;
    if (g_nheap) wait = g_heap[0].due_ns - now;
    wait = until_left_ns(wait);
    if (wait < 0) wait = 0;
    struct timespec ts = {(time_t)(wait / 1000000000LL), (long)(wait % 1000000000LL)};
    struct pollfd pfd = {.fd = ne.nl, .events = POLLIN};
    int r = ppoll(&pfd, 1, &ts, &orig); /* signals are delivered only while we wait */
    if (r <= 0) continue;
    for (int k = 0; k < 512; k++) {
      ssize_t n = recv(ne.nl, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == ENOBUFS) continue;
        break;
      }
      on_netlink(&ne, buf, n);
      if (g_nheap && g_heap[0].due_ns <= mono_ns()) break;
    }
  }
  while (g_nheap) {
    struct held h = heap_pop();
    release(&ne, &h);
  }
  verdict_flush(&ne);
  off = 0;
  seq = ++ne.nlseq;
  nl_begin(msg, &off, NFQNL_MSG_CONFIG, 0, seq, ne.queue);
  struct nfqnl_msg_config_cmd unbind = {.command = NFQNL_CFG_CMD_UNBIND, .pf = htons(AF_UNSPEC)};
  nl_attr(msg, &off, NFQA_CFG_CMD, &unbind, sizeof unbind);
  nl_end(msg, 0, off);
  nl_send(&ne, msg, off);
  close(ne.nl);
  printf("netem: stopped packets=%" PRIu64 " dropped=%" PRIu64 " duplicated=%" PRIu64 " corrupted=%" PRIu64 " reordered=%" PRIu64
         " delayed=%" PRIu64 " resent=%" PRIu64 " own_mark=%" PRIu64 " errors=%" PRIu64 " raw_failed=%" PRIu64 "\n",
         ne.n_packets, ne.n_dropped, ne.n_duplicated, ne.n_corrupted, ne.n_reordered, ne.n_delayed, ne.n_resent, ne.n_own_mark,
         ne.n_errors, ne.n_raw_failed);
  fflush(stdout);
  return 0;
}

/* ---------------------------------------------------------------- memory */

static int cmd_memory(int argc, char **argv) {
  int64_t mib = -1;
  double rate = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (common_option(argc, argv, &i)) continue;
    if (!strcmp(a, "--mib")) mib = parse_int(a, need(argc, argv, &i), 1, 1 << 24);
    else if (!strcmp(a, "--rate-mib-per-s")) {
      const char *s = need(argc, argv, &i);
      char *end;
      rate = strtod(s, &end);
      if (end == s || *end || !(rate > 0)) die(2, "--rate-mib-per-s: expected a positive number, got '%s'", s);
    } else die(2, "memory: unknown option '%s'", a);
  }
  if (mib < 0) die(2, "memory: --mib N is required");
  install_signals();
  join_cgroups();
  size_t chunk = 1 << 20;
  unsigned char *mem = mmap(NULL, (size_t)mib * chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) die(1, "memory: cannot map %" PRId64 " MiB: %s", mib, strerror(errno));
  int64_t start = mono_ns();
  int64_t done = 0;
  for (; done < mib && !should_stop(); done++) {
    if (rate > 0) {
      int64_t at = start + (int64_t)((double)done / rate * 1e9);
      while (!should_stop() && mono_ns() < at) nap_ns(at - mono_ns());
      if (should_stop()) break;
    }
    memset(mem + (size_t)done * chunk, 0x5a, chunk);
  }
  printf("memory: holding %" PRId64 " MiB\n", done);
  fflush(stdout);
  while (!should_stop()) nap_ns(1000000000LL);
  return 0;
}

/* ---------------------------------------------------------------- io */

static char g_io_file[PATH_MAX];

static int write_pass(int64_t size, size_t block, unsigned char *buf) {
  int fd = open(g_io_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) die(1, "io: cannot create %s: %s", g_io_file, strerror(errno));
  int64_t written = 0;
  while (written < size && !should_stop()) {
    size_t n = (size_t)(size - written) < block ? (size_t)(size - written) : block;
    buf[0]++;
    ssize_t w = write(fd, buf, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      unlink(g_io_file);
      die(1, "io: writing %s failed: %s", g_io_file, strerror(e));
    }
    written += w;
  }
  fsync(fd);
  close(fd);
  return written == size;
}

static void read_pass(size_t block, unsigned char *buf) {
  int fd = open(g_io_file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(1, "io: cannot open %s: %s", g_io_file, strerror(errno));
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  while (!should_stop()) {
    ssize_t r = read(fd, buf, block);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
}

static int cmd_io(int argc, char **argv) {
  const char *dir = NULL, *mode = NULL;
  int64_t size_mib = 64, block_kib = 1024;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (common_option(argc, argv, &i)) continue;
    if (!strcmp(a, "--path")) dir = need(argc, argv, &i);
    else if (!strcmp(a, "--mode")) mode = need(argc, argv, &i);
    else if (!strcmp(a, "--size-mib")) size_mib = parse_int(a, need(argc, argv, &i), 1, 1 << 20);
    else if (!strcmp(a, "--block-kib")) block_kib = parse_int(a, need(argc, argv, &i), 4, 1 << 20);
    else die(2, "io: unknown option '%s'", a);
  }
  if (!dir) die(2, "io: --path DIR is required");
  int reading = mode && (!strcmp(mode, "read") || !strcmp(mode, "readwrite"));
  int writing = mode && (!strcmp(mode, "write") || !strcmp(mode, "readwrite"));
  if (!reading && !writing) die(2, "io: --mode must be read, write or readwrite");
  install_signals();
  join_cgroups();
  snprintf(g_io_file, sizeof g_io_file, "%s/.reprise-io-%d", dir, (int)getpid());
  size_t block = (size_t)block_kib * 1024;
  unsigned char *buf = aligned_alloc(4096, block);
  if (!buf) die(1, "io: out of memory");
  memset(buf, 0xa5, block);
  int64_t size = size_mib << 20;
  printf("io: %s on %s (%" PRId64 " MiB, %" PRId64 " KiB blocks)\n", mode, g_io_file, size_mib, block_kib);
  fflush(stdout);
  uint64_t passes = 0;
  int have_file = 0;
  while (!should_stop()) {
    if (writing || !have_file) {
      have_file = write_pass(size, block, buf) || have_file;
      if (writing) passes++;
    }
    if (reading && !should_stop() && have_file) {
      read_pass(block, buf);
      passes++;
    }
  }
  unlink(g_io_file);
  printf("io: stopped passes=%" PRIu64 "\n", passes);
  fflush(stdout);
  return 0;
}

/* ---------------------------------------------------------------- udp-echo / udp-ping */

static int cmd_udp_echo(int argc, char **argv) {
  int64_t port = -1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (common_option(argc, argv, &i)) continue;
    if (!strcmp(a, "--port")) port = parse_int(a, need(argc, argv, &i), 1, 65535);
    else die(2, "udp-echo: unknown option '%s'", a);
  }
  if (port < 0) die(2, "udp-echo: --port P is required");
  install_signals();
  int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int zero = 0;
  if (fd >= 0) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port), .sin6_addr = in6addr_any};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
      close(fd);
      fd = -1;
    }
  }
  if (fd < 0) {
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = {htonl(INADDR_ANY)}};
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die(1, "udp-echo: cannot bind UDP port %" PRId64 ": %s", port, strerror(errno));
  }
  printf("udp-echo: listening on port %" PRId64 "\n", port);
  fflush(stdout);
  static unsigned char buf[65536];
  while (!should_stop()) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, (int)(until_left_ns(1000000000LL) / 1000000)) <= 0) continue;
    for (;;) {
      struct sockaddr_storage from;
      socklen_t fl = sizeof from;
      ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
      if (n < 0) break;
      sendto(fd, buf, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&from, fl);
    }
  }
  return 0;
}

#define PING_MAGIC 0x52505047u /* "RPPG" */

struct ping_payload {
  uint32_t magic;
  uint32_t seq;
  int64_t sent_ns;
};

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int cmd_udp_ping(int argc, char **argv) {
  const char *to = NULL;
  int64_t count = -1, interval_ms = -1, size = 64, wait_ms = 1000;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (common_option(argc, argv, &i)) continue;
    if (!strcmp(a, "--to")) to = need(argc, argv, &i);
    else if (!strcmp(a, "--count")) count = parse_int(a, need(argc, argv, &i), 1, 10000000);
    else if (!strcmp(a, "--interval-ms")) interval_ms = parse_int(a, need(argc, argv, &i), 0, 3600000);
    else if (!strcmp(a, "--size")) size = parse_int(a, need(argc, argv, &i), (int64_t)sizeof(struct ping_payload), 65000);
    else if (!strcmp(a, "--wait-ms")) wait_ms = parse_int(a, need(argc, argv, &i), 0, 3600000);
    else die(2, "udp-ping: unknown option '%s'", a);
  }
  if (!to || count < 0 || interval_ms < 0) die(2, "udp-ping: --to IP:PORT, --count N and --interval-ms I are required");
  struct sockaddr_storage dst;
  socklen_t dl = parse_endpoint("--to", to, &dst);
  install_signals();
  int fd = socket(dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&dst, dl) < 0) die(1, "udp-ping: cannot reach %s: %s", to, strerror(errno));
  int rcv = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  unsigned char *seen = calloc((size_t)count, 1);
  double *rtt = calloc((size_t)count, sizeof *rtt);
  unsigned char *buf = calloc(1, 65536);
  if (!seen || !rtt || !buf) die(1, "udp-ping: out of memory");
  int64_t sent = 0, received = 0, duplicates = 0, reordered = 0, highest = -1;
  int64_t start = mono_ns(), end = 0;
  while (!should_stop()) {
    int64_t now = mono_ns();
    while (sent < count && now >= start + sent * interval_ms * 1000000LL) {
      struct ping_payload p = {PING_MAGIC, (uint32_t)sent, mono_ns()};
      memset(buf, 0, (size_t)size);
      memcpy(buf, &p, sizeof p);
      send(fd, buf, (size_t)size, MSG_DONTWAIT);
      sent++;
      if (sent == count) end = mono_ns() + wait_ms * 1000000LL;
    }
    if (sent == count && (received == count || now >= end)) break;
    int64_t wait = sent < count ? start + sent * interval_ms * 1000000LL - now : end - now;
    wait = until_left_ns(wait);
    if (wait < 0) wait = 0;
    struct timespec ts = {(time_t)(wait / 1000000000LL), (long)(wait % 1000000000LL)};
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    if (ppoll(&pfd, 1, &ts, NULL) <= 0) continue;
    for (;;) {
      ssize_t n = recv(fd, buf, 65536, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == ECONNREFUSED) continue;
        break;
      }
      struct ping_payload p;
      if (n < (ssize_t)sizeof p) continue;
      memcpy(&p, buf, sizeof p);
      if (p.magic != PING_MAGIC || p.seq >= (uint64_t)sent) continue;
      if (seen[p.seq]) {
        duplicates++;
        continue;
      }
      seen[p.seq] = 1;
      rtt[received++] = (double)(mono_ns() - p.sent_ns) / 1e6;
      if ((int64_t)p.seq < highest) reordered++;
      else highest = p.seq;
    }
  }
  double loss = sent ? 100.0 * (double)(sent - received) / (double)sent : 0;
  printf("{\"sent\":%" PRId64 ",\"received\":%" PRId64 ",\"duplicates\":%" PRId64 ",\"reordered\":%" PRId64 ",\"loss_pct\":%.3f,\"rtt_ms\":",
         sent, received, duplicates, reordered, loss);
  if (received == 0) {
    printf("null}\n");
  } else {
    qsort(rtt, (size_t)received, sizeof *rtt, cmp_double);
    double sum = 0;
    for (int64_t k = 0; k < received; k++) sum += rtt[k];
    int64_t i50 = (received * 50 + 99) / 100 - 1, i99 = (received * 99 + 99) / 100 - 1;
    printf("{\"min\":%.3f,\"p50\":%.3f,\"mean\":%.3f,\"p99\":%.3f,\"max\":%.3f}}\n", rtt[0], rtt[i50 < 0 ? 0 : i50],
           sum / (double)received, rtt[i99 < 0 ? 0 : i99], rtt[received - 1]);
  }
  fflush(stdout);
  return 0;
}

/* ---------------------------------------------------------------- tcp-sink / tcp-source */

static int cmd_tcp_sink(int argc, char **argv) {
  int64_t port = -1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (common_option(argc, argv, &i)) continue;
    if (!strcmp(a, "--port")) port = parse_int(a, need(argc, argv, &i), 1, 65535);
    else die(2, "tcp-sink: unknown option '%s'", a);
  }
  if (port < 0) die(2, "tcp-sink: --port P is required");
  install_signals();
  int one = 1, zero = 0;
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port), .sin6_addr = in6addr_any};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
      close(fd);
      fd = -1;
    }
  }
  if (fd < 0) {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = {htonl(INADDR_ANY)}};
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die(1, "tcp-sink: cannot bind TCP port %" PRId64 ": %s", port, strerror(errno));
  }
  if (listen(fd, 16) < 0) die(1, "tcp-sink: cannot listen: %s", strerror(errno));
  printf("tcp-sink: listening on port %" PRId64 "\n", port);
  fflush(stdout);
  static unsigned char buf[1 << 18];
  while (!should_stop()) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, (int)(until_left_ns(1000000000LL) / 1000000)) <= 0) continue;
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) continue;
    uint64_t bytes = 0;
    int64_t t0 = mono_ns();
    while (!should_stop()) {
      struct pollfd q = {.fd = c, .events = POLLIN};
      if (poll(&q, 1, (int)(until_left_ns(1000000000LL) / 1000000)) <= 0) continue;
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      bytes += (uint64_t)n;
    }
    double secs = (double)(mono_ns() - t0) / 1e9;
    unsigned char be[8];
    for (int k = 0; k < 8; k++) be[k] = (unsigned char)(bytes >> (56 - 8 * k));
    send(c, be, sizeof be, MSG_NOSIGNAL);
    close(c);
    printf("{\"bytes\":%" PRIu64 ",\"seconds\":%.3f,\"mbit_per_s\":%.3f}\n", bytes, secs, secs > 0 ? (double)bytes * 8 / secs / 1e6 : 0);
    fflush(stdout);
  }
  return 0;
}

static int cmd_tcp_source(int argc, char **argv) {
  const char *to = NULL;
  double seconds = -1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (common_option(argc, argv, &i)) continue;
    if (!strcmp(a, "--to")) to = need(argc, argv, &i);
    else if (!strcmp(a, "--seconds")) {
      const char *s = need(argc, argv, &i);
      char *end;
      seconds = strtod(s, &end);
      if (end == s || *end || !(seconds > 0)) die(2, "--seconds: expected a positive number, got '%s'", s);
    } else die(2, "tcp-source: unknown option '%s'", a);
  }
  if (!to || seconds <= 0) die(2, "tcp-source: --to IP:PORT and --seconds S are required");
  struct sockaddr_storage dst;
  socklen_t dl = parse_endpoint("--to", to, &dst);
  install_signals();
  int fd = socket(dst.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&dst, dl) < 0) die(1, "tcp-source: cannot connect to %s: %s", to, strerror(errno));
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  static unsigned char buf[1 << 17];
  memset(buf, 0x42, sizeof buf);
  int64_t t0 = mono_ns(), stop_at = t0 + (int64_t)(seconds * 1e9);
  uint64_t written = 0;
  while (!should_stop()) {
    int64_t now = mono_ns();
    if (now >= stop_at) break;
    int64_t w = until_left_ns(stop_at - now);
    struct timespec ts = {(time_t)(w / 1000000000LL), (long)(w % 1000000000LL)};
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    if (ppoll(&p, 1, &ts, NULL) <= 0) continue;
    ssize_t n = send(fd, buf, sizeof buf, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) written += (uint64_t)n;
    else if (n < 0 && errno != EAGAIN && errno != EINTR) die(1, "tcp-source: sending failed: %s", strerror(errno));
  }
  shutdown(fd, SHUT_WR);
  /* the sink answers with the bytes it received once it has read our end of stream */
  unsigned char be[8];
  size_t got = 0;
  int64_t deadline = mono_ns() + 30000000000LL;
  while (got < sizeof be && !g_stop && mono_ns() < deadline) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t n = recv(fd, be + got, sizeof be - got, 0);
    if (n <= 0) break;
    got += (size_t)n;
  }
  double secs = (double)(mono_ns() - t0) / 1e9;
  uint64_t bytes = written;
  if (got == sizeof be) {
    bytes = 0;
    for (int k = 0; k < 8; k++) bytes = (bytes << 8) | be[k];
  }
  close(fd);
  printf("{\"bytes\":%" PRIu64 ",\"seconds\":%.3f,\"mbit_per_s\":%.3f%s}\n", bytes, secs, (double)bytes * 8 / secs / 1e6,
         got == sizeof be ? "" : ",\"counted_by\":\"source\"");
  fflush(stdout);
  return 0;
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *out) {
  fprintf(out,
          "usage: " PROG " SUBCOMMAND [OPTIONS]   (see the comment at the top of reprise-fault-helper.c)\n"
          "  netem --queue N [--delay-us D] [--jitter-us J] [--delay-correlation PCT] [--loss PCT] [--loss-correlation PCT]\n"
          "        [--corrupt PCT] [--duplicate PCT] [--reorder PCT] [--reorder-correlation PCT] [--mark HEX]\n"
          "  memory --mib N [--rate-mib-per-s R] [--join FILE]...\n"
          "  io --path DIR --mode read|write|readwrite [--size-mib N] [--block-kib B] [--join FILE]...\n"
          "  udp-echo --port P\n"
          "  udp-ping --to IP:PORT --count N --interval-ms I [--size BYTES] [--wait-ms W]\n"
          "  tcp-sink --port P\n"
          "  tcp-source --to IP:PORT --seconds S\n"
          "every subcommand: [--until-epoch-ms T] [--marker M]\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *sub = argv[1];
  int n = argc - 2;
  char **args = argv + 2;
  if (!strcmp(sub, "netem")) return cmd_netem(n, args);
  if (!strcmp(sub, "memory")) return cmd_memory(n, args);
  if (!strcmp(sub, "io")) return cmd_io(n, args);
  if (!strcmp(sub, "udp-echo")) return cmd_udp_echo(n, args);
  if (!strcmp(sub, "udp-ping")) return cmd_udp_ping(n, args);
  if (!strcmp(sub, "tcp-sink")) return cmd_tcp_sink(n, args);
  if (!strcmp(sub, "tcp-source")) return cmd_tcp_source(n, args);
  if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
    usage(stdout);
    return 0;
  }
  fprintf(stderr, PROG ": unknown subcommand '%s'\n", sub);
  usage(stderr);
  return 2;
}
