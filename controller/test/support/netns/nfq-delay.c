/*
 * nfq-delay: hold every packet of one NFQUEUE for a fixed delay, then accept it.
 *
 * The test kernel has no netem, so delay is injected in userspace: an iptables rule sends
 * packets to queue N, this process takes them and issues the ACCEPT verdict D ms after
 * each packet arrived. The delay is constant, so a FIFO keeps packet order.
 *
 * usage: nfq-delay <queue-num> <delay-ms> [--watch-stdin]
 *   prints "ready" once bound to the queue; exits 0 on SIGTERM/SIGINT (accepting what it
 *   still holds). With --watch-stdin it also exits when stdin reaches EOF, so a test
 *   process that dies without cleaning up does not leave the helper behind.
 */
#define _GNU_SOURCE
#include <arpa/inet.h> /* glibc headers before linux/netfilter.h, or struct in_addr clashes */
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CAP 65536 /* held packets; also the kernel queue length we ask for */

static struct { uint32_t id; int64_t due_ns; } held[CAP];
static size_t head, count;
static int64_t delay_ns;
static volatile sig_atomic_t stop;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_signal(int sig) { (void)sig; stop = 1; }

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void)msg; (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  uint32_t id = ntohl(ph->packet_id);
  if (count == CAP) /* never drop: an overfull hold passes the packet undelayed */
    return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
  held[(head + count) % CAP].id = id;
  held[(head + count) % CAP].due_ns = now_ns() + delay_ns;
  count++;
  return 0;
}

static void release(struct nfq_q_handle *qh, int64_t until_ns) {
  while (count && held[head].due_ns <= until_ns) {
    nfq_set_verdict(qh, held[head].id, NF_ACCEPT, 0, NULL);
    head = (head + 1) % CAP;
    count--;
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s <queue-num> <delay-ms> [--watch-stdin]\n", argv[0]);
    return 2;
  }
  int queue = atoi(argv[1]);
  delay_ns = (int64_t)(atof(argv[2]) * 1e6);
  int watch_stdin = argc > 3 && strcmp(argv[3], "--watch-stdin") == 0;

  /* Block the stop signals except inside ppoll, so a signal can never slip in between the
   * check of `stop` and the wait (which would leave us waiting for the next packet). */
  sigset_t block, wait_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, &wait_mask);
  sigdelset(&wait_mask, SIGTERM);
  sigdelset(&wait_mask, SIGINT);
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  struct nfq_handle *h = nfq_open();
  if (!h) { perror("nfq_open"); return 1; }
  if (nfq_bind_pf(h, AF_INET) < 0) { perror("nfq_bind_pf"); return 1; }
  struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue, &on_packet, NULL);
  if (!qh) { perror("nfq_create_queue (is another listener bound to this queue?)"); return 1; }
  /* Only the packet id is needed; copying payloads would only cost netlink buffer space. */
  if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) { perror("nfq_set_mode"); return 1; }
  nfq_set_queue_maxlen(qh, CAP);
  int fd = nfq_fd(h);
  nfnl_rcvbufsiz(nfq_nfnlh(h), 4 * 1024 * 1024);
  int one = 1; /* a burst overrunning the socket must not turn into a recv error loop */
  setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);

  printf("ready\n");
  fflush(stdout);

  char buf[4096] __attribute__((aligned));
  while (!stop) {
    struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
    struct timespec ts, *timeout = NULL;
    if (count) {
      int64_t wait = held[head].due_ns - now_ns();
      if (wait < 0) wait = 0;
      ts.tv_sec = wait / 1000000000;
      ts.tv_nsec = wait % 1000000000;
      timeout = &ts;
    }
    int r = ppoll(fds, watch_stdin ? 2 : 1, timeout, &wait_mask);
    if (r < 0 && errno != EINTR) { perror("ppoll"); break; }
    if (r > 0 && watch_stdin && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (read(0, buf, sizeof buf) <= 0) stop = 1;
    }
    if (r > 0 && (fds[0].revents & POLLIN)) {
      for (;;) { /* drain everything queued so arrival stamps stay accurate */
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0) break;
        nfq_handle_packet(h, buf, (int)n);
      }
    }
    release(qh, now_ns());
  }
  release(qh, INT64_MAX); /* hand back whatever is still held before unbinding */
  nfq_destroy_queue(qh);
  nfq_close(h);
  return 0;
}
