/** What `npm start` prints: where everything runs, the first key (once) and a curl to paste. */
export function welcomeText(stack: {
  apiUrl: string;
  dynamoEndpoint: string;
  sesEndpoint: string;
  messagingEndpoint: string;
  dataDir: string;
  firstKey: string | undefined;
}): string {
  const lines = [
    'scopegate local stack is running',
    '',
    `  API        ${stack.apiUrl}`,
    `  DynamoDB   ${stack.dynamoEndpoint}   (data in ${stack.dataDir})`,
    `  SES        ${stack.sesEndpoint}   (open it in a browser: every email sent since this start shows up there;`,
    `             scripts read ${stack.sesEndpoint}/store)`,
    `  SMS/WA     ${stack.messagingEndpoint}   (every SMS and WhatsApp message; JSON at ${stack.messagingEndpoint}/store;`,
    '             numbers ending in 0000 fail)',
    `  OpenAPI    ${stack.apiUrl}/openapi.json   (no key needed)`,
    `  Dashboard  ${stack.apiUrl}/dashboard/   (paste the key below)`,
    '',
    'One line is logged per request (method, path, status, time, key prefix, source IP, request id);',
    'SCOPEGATE_QUIET=1 turns that off.',
    '',
  ];
  const key = stack.firstKey ?? '<your key>';
  if (stack.firstKey) {
    lines.push(
      'Created team "local", project "default" and a full-access API key. It is shown only this once:',
      '',
      `  ${stack.firstKey}`,
      '',
    );
  } else {
    lines.push(
      'Your first key was printed when the stack first started (keys are stored only as hashes).',
      `Create another with:  ${cliPrefix(stack.dynamoEndpoint)}npx scopegate keys create --name "my key"`,
      '',
    );
  }
  lines.push(
    'Send an email:',
    '',
    `  curl -s ${stack.apiUrl}/v1/emails \\`,
    `    -H "Authorization: Bearer ${key}" \\`,
    '    -H "Content-Type: application/json" \\',
    `    -d '{"from":"you@example.com","to":"friend@example.com","subject":"Hello from scopegate","text":"It works."}'`,
    '',
    'Press Ctrl-C to stop everything.',
  );
  return lines.join('\n');
}

/** The CLI finds a moved DynamoDB Local through the same variable `npm start` read. */
function cliPrefix(dynamoEndpoint: string): string {
  const port = new URL(dynamoEndpoint).port;
  return port === '8000' ? '' : `SCOPEGATE_DYNAMODB_PORT=${port} `;
}
