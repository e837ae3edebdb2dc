// A webhook receiver for trying scopegate locally: verifies every delivery with the Standard
// Webhooks library and prints it. Run: SCOPEGATE_WEBHOOK_SECRET=whsec_… node examples/webhook-receiver.mjs
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const webhook = new Webhook(process.env.SCOPEGATE_WEBHOOK_SECRET ?? '');
const port = Number(process.env.PORT ?? 4000);

createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      const event = webhook.verify(body, request.headers);
      console.log(`${request.headers['webhook-id']} ${event.type}`, JSON.stringify(event.data));
      response.writeHead(204).end();
    } catch (error) {
      console.log(`refused a delivery: ${error.message}`);
      response.writeHead(400).end();
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}/hooks`));
