#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Node.js's http module as a client of the differential test
// (fuzz/diff/run.py).
//
// Usage: node node_client.js URL METHOD TIMEOUT REQUESTS
//
// Sends REQUESTS requests (METHOD URL) one after the other through one
// keep-alive agent with a single socket (so a second request reuses the
// connection when Node thinks it can), and prints one JSON object: Node's and
// its llhttp's versions and, per request, statusCode, statusMessage,
// httpVersion, rawHeaders, the 1xx responses seen ('information' events),
// body length and sha256, whether the socket was reused, the error raised
// (code and message) and the time taken. Strings are latin-1-mapped bytes.
'use strict';
const http = require('http');
const crypto = require('crypto');

const [url, method, timeoutArg, countArg] = process.argv.slice(2);
const timeoutMs = Math.round(parseFloat(timeoutArg) * 1000);
const count = parseInt(countArg, 10);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const out = {
  client: 'node',
  version: `Node.js ${process.versions.node} (llhttp ${process.versions.llhttp})`,
  requests: [],
};

function one(i, done) {
  const t0 = process.hrtime.bigint();
  const r = {
    index: i, status: null, reason: null, headers: null, body_length: null,
    body_sha256: null, error: null, informational: [],
  };
  const hash = crypto.createHash('sha256');
  let n = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    r.body_length = n;
    r.body_sha256 = hash.digest('hex');
    r.elapsed = Math.round(Number(process.hrtime.bigint() - t0) / 1e6) / 1000;
    out.requests.push(r);
    setImmediate(done);
  };
  let inResponse = false;
  const fail = (e) => {
    if (r.error === null) r.error = `${e.code || e.name}: ${String(e.message).slice(0, 200)}`;
    // Node can report an error about bytes after a response (data after
    // "Connection: close") while it still delivers that response: wait for
    // its end.
    if (!inResponse) finish();
  };
  let req;
  try {
    req = http.request(url, { method, agent, headers: { 'X-Diff-Request': String(i) } }, (res) => {
      inResponse = true;
      r.status = res.statusCode;
      r.reason = res.statusMessage;
      r.version = res.httpVersion;
      const h = [];
      for (let k = 0; k + 1 < res.rawHeaders.length; k += 2) h.push([res.rawHeaders[k], res.rawHeaders[k + 1]]);
      r.headers = h;
      res.on('data', (d) => {
        if (finished) { r.data_after_end = (r.data_after_end || 0) + d.length; return; }
        hash.update(d); n += d.length;
      });
      res.on('end', () => {
        r.complete = res.complete;
        if (!res.complete) r.error = r.error || 'aborted: response incomplete';
        finish();
      });
      res.on('aborted', () => { r.error = r.error || 'aborted: response aborted'; });
      res.on('error', fail);
      res.on('close', () => {
        if (r.complete === undefined) r.complete = res.complete;
        if (!res.complete) r.error = r.error || 'aborted: closed before the end';
        finish();
      });
    });
  } catch (e) {
    fail(e);
    return;
  }
  req.on('information', (info) => {
    r.informational.push({ status: info.statusCode, reason: info.statusMessage });
  });
  req.on('socket', (s) => { r.reused = !!req.reusedSocket; });
  // A 101: Node hands the connection over instead of a response.
  req.on('upgrade', (res, socket, head) => {
    r.status = res.statusCode;
    r.reason = res.statusMessage;
    r.version = res.httpVersion;
    const h = [];
    for (let k = 0; k + 1 < res.rawHeaders.length; k += 2) h.push([res.rawHeaders[k], res.rawHeaders[k + 1]]);
    r.headers = h;
    r.upgrade_bytes = head.length;
    socket.destroy();
    finish();
  });
  req.on('close', () => {
    if (!inResponse && r.error === null && r.status === null) r.error = 'closed: no response';
    if (!inResponse) finish();
  });
  req.on('error', fail);
  req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  req.end();
}

let i = 0;
const next = () => {
  if (i >= count) {
    process.stdout.write(JSON.stringify(out) + '\n');
    agent.destroy();
    process.exit(0);
  }
  one(i++, next);
};
// A last guard: never outlive every request's timeout.
setTimeout(() => {
  out.guard = 'overall timeout';
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}, timeoutMs * (count + 1)).unref();
next();
