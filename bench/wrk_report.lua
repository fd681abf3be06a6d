-- wrk prints its report for people; this adds one line for bench/load.py to read, with the
-- 95th percentile wrk's --latency table leaves out. Latencies are in microseconds.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BANC requests=%d duration_us=%d p50_us=%.0f p95_us=%.0f socket_errors=%d status_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, e.status))
end
