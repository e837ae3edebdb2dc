/**
 * The OutputKeys of a deployed stack: the stack writes them and the CLI reads them
 * (`--stack NAME`), so both take the names from here. Plain data: the CLI must not load aws-cdk-lib.
 */
export const STACK_OUTPUTS = {
  apiUrl: 'ApiUrl',
  apiKeys: 'ApiKeysTableName',
  data: 'DataTableName',
} as const;
