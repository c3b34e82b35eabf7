// The agent's status endpoint: `GET /status` answers its counters as JSON (buffer, shipping, lag,
// pipelines); meant for a local health check or scraper, so it listens where status.listen says.
import { createServer, type Server } from 'node:http';
import type { AgentStatus } from './agent.ts';

export async function serveStatus(
  status: () => AgentStatus,
  at: { host: string; port: number },
): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/status')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status()));
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('try GET /status\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  return server;
}
