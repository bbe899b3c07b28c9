// A real SMTP server on 127.0.0.1 for the scenarios that send mail (smtp-server, no TLS, no auth):
// each message's raw text goes to `onMessage`, which answers it by calling `accept` (when it likes:
// a delay, or after freezing the app).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface LocalSmtp {
  /** The app's SMTP_URL for this server. */
  url: string;
  close(): Promise<void>;
}

export async function startSmtp(onMessage: (raw: Buffer, accept: () => void) => void): Promise<LocalSmtp> {
  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => onMessage(Buffer.concat(chunks), () => callback()));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}/?ignoreTLS=true`,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
