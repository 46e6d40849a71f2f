// Deno's own fetch (hyper over rustls, through Deno.createHttpClient with the test CA) against the
// example HTTPS server running on sanstls: a GET and a POST of `size` bytes.
import { args, deno, report, testData } from './common.js';

interface Args {
  readonly port: number;
  readonly ca: string;
  readonly size: number;
}

const a = args<Args>();
const client = deno.createHttpClient({ caCerts: [await deno.readTextFile(a.ca)] });
const base = `https://localhost:${a.port}`;
const get = await fetch(`${base}/from-deno-fetch`, { client } as RequestInit);
const getText = await get.text();
const post = await fetch(`${base}/echo`, { method: 'POST', body: testData(a.size, 9), client } as RequestInit);
const postJson: unknown = await post.json();
client.close();
report({ get: { status: get.status, text: getText }, post: { status: post.status, json: postJson } });
