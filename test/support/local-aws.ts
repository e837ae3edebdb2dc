/** Clients and fresh tables on the run's DynamoDB Local and local SES. */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { inject } from 'vitest';
import type { Documents } from '../../lambdas/aws/aws-clients.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/config.js';
import { dynamoControlClient, localDocuments, sesClient } from '../../local/services.js';
import { ensureTables, type TableNames } from '../../local/tables.js';

export interface TestAws {
  /** The SDK's client: creating tables, and raw items written as a console edit would write them. */
  readonly dynamo: DynamoDBClient;
  /** The services' DocumentClient with the deployed bounds, as the stack's Lambdas hold it. */
  readonly documents: Documents;
  /** The SES client with the deployed bounds, as the sending and domains Lambdas hold it. */
  readonly ses: SESv2Client;
  /** A plain SES client without the deployed bounds, for set-up and checks of the stand-in. */
  readonly sdkSes: SESv2Client;
  readonly sesEndpoint: string;
  readonly tables: TableNames;
}

/** Creates a uniquely named ApiKeys and Data table pair for one test file. */
export async function createTestAws(): Promise<TestAws> {
  const dynamo = dynamoControlClient(inject('dynamoEndpoint'));
  const suffix = randomBytes(4).toString('hex');
  const tables = { apiKeys: `ApiKeys-${suffix}`, data: `Data-${suffix}` };
  // No TTL sweeping: tests write records under injected clocks, often in the past (local/tables.ts).
  await ensureTables(dynamo, tables, { timeToLive: false });
  return {
    dynamo,
    documents: localDocuments(inject('dynamoEndpoint')),
    ses: sesClient(inject('sesEndpoint')),
    sdkSes: sdkSesClient(inject('sesEndpoint')),
    sesEndpoint: inject('sesEndpoint'),
    tables,
  };
}

/** The SDK's SES client pointed at a local SES. */
export function sdkSesClient(endpoint: string): SESv2Client {
  return new SESv2Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly subject: string;
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly replyTo: string[];
  readonly body: { html?: string; text?: string };
}

/** What the local SES has received (its `GET /store`). */
export async function sentEmails(sesEndpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  const store = (await response.json()) as { emails: StoredEmail[] };
  return store.emails;
}
