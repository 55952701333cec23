// The example app's own request handler (examples/app/server.js), listening on every
// interface of its container so that Caddy's container reaches it: server.js itself listens
// on 127.0.0.1 only, which is right on a shared host (the demo) and wrong in a container.
import { createServer } from 'node:http';
import { handle } from '../app/server.js';

const port = Number(process.env.APP_PORT || 3000);
const server = createServer(handle).listen(port, '0.0.0.0', () =>
  console.log(`example app ${process.env.APP_VERSION || 'dev'} listening on port ${port}`),
);
// docker compose stop sends SIGTERM: finish the requests in flight, then exit.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
