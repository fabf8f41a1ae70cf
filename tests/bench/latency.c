/*
 * exwiz-latency: a latency injector for the lab namespace.
 *
 *   exwiz-latency -d DELAY_MS [-q QUEUE] [-r READY_FILE]
 *
 * Run inside a network namespace (ip netns exec NS ...). It binds NFQUEUE
 * QUEUE, then adds
 *     iptables-legacy -t mangle -A OUTPUT -j NFQUEUE --queue-num QUEUE --queue-bypass
 * and holds every packet leaving any socket in the namespace for DELAY_MS
 * before accepting it, in arrival order. On loopback a packet passes OUTPUT
 * once per direction, so the round trip grows by 2 * DELAY_MS.
 *
 * On SIGTERM, SIGINT or SIGHUP it deletes the rule first, then releases every
 * held packet and exits. --queue-bypass makes the rule harmless if the
 * program dies without that (SIGKILL): packets pass undelayed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define RING 65536u

struct held {
	uint32_t id;
	int64_t due_us;
};

static struct held ring[RING];
static unsigned head, count;
static int64_t delay_us;
static unsigned long long packets, overflow;
static volatile sig_atomic_t stop_sig;

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_signal(int sig)
{
	stop_sig = sig;
}

static int queue_cb(struct nfq_q_handle *qh, struct nfgenmsg *msg,
		    struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id;

	(void)msg;
	(void)data;
	if (ph == NULL)
		return 0;
	id = ntohl(ph->packet_id);
	packets++;
	if (count == RING) {
		/* Never drop: release the oldest early. */
		overflow++;
		nfq_set_verdict(qh, ring[head].id, NF_ACCEPT, 0, NULL);
		head = (head + 1) % RING;
		count--;
	}
	ring[(head + count) % RING] = (struct held){ id, now_us() + delay_us };
	count++;
	return 0;
}

static void release(struct nfq_q_handle *qh, int all)
{
	int64_t t = now_us();

	while (count > 0 && (all || ring[head].due_us <= t)) {
		nfq_set_verdict(qh, ring[head].id, NF_ACCEPT, 0, NULL);
		head = (head + 1) % RING;
		count--;
	}
}

/* iptables-legacy -t mangle -A|-D OUTPUT -j NFQUEUE ..., by execve. */
static int rule(const char *op, const char *queue)
{
	static const char *const paths[] = {
		"/usr/sbin/iptables-legacy", "/sbin/iptables-legacy", NULL
	};
	char *argv[] = {
		"iptables-legacy", "-w", "-t", "mangle", (char *)op, "OUTPUT",
		"-j", "NFQUEUE", "--queue-num", (char *)queue, "--queue-bypass",
		NULL
	};
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	const char *path = NULL;
	int st;
	pid_t pid;

	for (int i = 0; paths[i] != NULL; i++)
		if (access(paths[i], X_OK) == 0) {
			path = paths[i];
			break;
		}
	if (path == NULL) {
		fprintf(stderr, "exwiz-latency: iptables-legacy not found\n");
		return -1;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "exwiz-latency: iptables-legacy %s OUTPUT failed\n",
			op);
		return -1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: exwiz-latency -d DELAY_MS [-q QUEUE] [-r READY_FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *queue = "0", *ready = NULL;
	long delay_ms = -1;
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	struct sigaction sa;
	char buf[65536] __attribute__((aligned));
	int fd, opt, one = 1, rc = 0;
	char *end;

	while ((opt = getopt(argc, argv, "d:q:r:")) != -1) {
		switch (opt) {
		case 'd':
			delay_ms = strtol(optarg, &end, 10);
			if (*end != '\0' || delay_ms < 0 || delay_ms > 10000)
				usage();
			break;
		case 'q':
			strtol(optarg, &end, 10);
			if (*end != '\0')
				usage();
			queue = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (delay_ms < 0 || optind != argc)
		usage();
	delay_us = delay_ms * 1000;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	h = nfq_open();
	if (h == NULL) {
		perror("exwiz-latency: nfq_open");
		return 1;
	}
	nfq_unbind_pf(h, AF_INET);
	if (nfq_bind_pf(h, AF_INET) < 0) {
		perror("exwiz-latency: nfq_bind_pf");
		return 1;
	}
	qh = nfq_create_queue(h, (uint16_t)atoi(queue), queue_cb, NULL);
	if (qh == NULL) {
		perror("exwiz-latency: nfq_create_queue");
		return 1;
	}
	/* Only the packet id is needed, not the payload. */
	if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) {
		perror("exwiz-latency: nfq_set_mode");
		return 1;
	}
	nfq_set_queue_maxlen(qh, RING);
	fd = nfq_fd(h);
	nfnl_rcvbufsiz(nfq_nfnlh(h), 8 * 1024 * 1024);
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

	if (rule("-A", queue) < 0)
		return 1;
	if (ready != NULL) {
		FILE *f = fopen(ready, "w");

		if (f != NULL) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
	}

	while (!stop_sig) {
		struct pollfd p = { fd, POLLIN, 0 };
		int timeout = -1;
		ssize_t n;

		if (count > 0) {
			int64_t wait = ring[head].due_us - now_us();

			timeout = wait <= 0 ? 0 : (int)((wait + 999) / 1000);
		}
		if (poll(&p, 1, timeout) > 0) {
			while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
				nfq_handle_packet(h, buf, (int)n);
		}
		release(qh, 0);
	}

	if (rule("-D", queue) < 0)
		rc = 1;
	/* Anything queued between the last poll and the rule's removal. */
	for (int i = 0; i < 50; i++) {
		ssize_t n;

		while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
			nfq_handle_packet(h, buf, (int)n);
		release(qh, 1);
		usleep(2000);
	}
	nfq_destroy_queue(qh);
	nfq_close(h);
	fprintf(stderr,
		"exwiz-latency: %llu packets held %ld ms each, %llu released early\n",
		packets, delay_ms, overflow);
	return rc;
}
