/** Who an email is from and to, and what it is about: shared by the stored record and the SES call. */
export interface EmailEnvelope {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly replyTo: readonly string[];
  readonly subject: string;
  readonly tags: readonly { name: string; value: string }[];
}
