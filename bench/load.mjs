// One load run, in its own process: autocannon against one scenario, JSON result on stdout.
import autocannon from 'autocannon';

const { url, connections, duration, request, refreshTokens } = JSON.parse(process.argv[2]);

const requests = refreshTokens
  ? [
      {
        method: 'POST',
        path: '/api/auth/refresh',
        headers: { 'content-type': 'application/json' },
        // A token works once: each request takes one from the pool, each answer puts its successor back.
        setupRequest(req) {
          return { ...req, body: JSON.stringify({ refreshToken: refreshTokens.pop() }) };
        },
        onResponse(status, body) {
          if (status === 200) refreshTokens.push(JSON.parse(body).refreshToken);
        },
      },
    ]
  : [request];

const result = await autocannon({ url, connections, duration, requests, pipelining: 1 });
process.stdout.write(
  JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  }),
);
