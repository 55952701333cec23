import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { handle } from '../server.js';

test('/health reports ok and the version', async () => {
  const server = createServer(handle).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const response = await fetch(`http://127.0.0.1:${server.address().port}/health`);
  const body = await response.json();
  server.close();
  assert.equal(response.status, 200);
  assert.equal(body.status, 'ok');
  assert.ok(body.version);
});
