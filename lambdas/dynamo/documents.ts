/**
 * What the services hold in place of the SDK's DynamoDBDocumentClient: `send` takes any command of
 * document-commands.ts or item-commands.ts and answers its output, as `documents.send(new
 * GetCommand({…}))` did with the SDK. No marshalling code lives here, so the authorizer, which sends
 * only a raw GetItem, bundles none.
 */
import type { DynamoClient } from './client.js';
import type { DynamoCommand } from './command.js';

export interface Documents {
  send<Input, Output>(command: DynamoCommand<Input, Output>): Promise<Output>;
  /** Closes the client's kept-alive connections. */
  destroy(): void;
}

export function createDocuments(client: DynamoClient): Documents {
  return {
    async send(command) {
      const answer = await client.call(command.operation, command.toRequest());
      return command.fromAnswer(answer);
    },
    destroy: () => client.destroy(),
  };
}
