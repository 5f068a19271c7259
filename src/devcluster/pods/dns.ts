// The cluster DNS of a running pod (RFC 1035 messages, A records only): enough for glibc's and Node's resolvers to
// find `<service>.<namespace>.svc.<domain>` with or without the trailing dot, through the search list the pod's
// resolv.conf carries. Other names get NXDOMAIN at once: the sandbox has no way out, so there is nothing to forward to.

const TYPE_A = 1;
const CLASS_IN = 1;
const TTL_SECONDS = 5;

interface Question {
  name: string;
  type: number;
  klass: number;
  /** End offset of the question section in the query. */
  end: number;
}

function readQuestion(msg: Buffer): Question | undefined {
  let offset = 12;
  const labels: string[] = [];
  for (;;) {
    const len = msg[offset];
    if (len === undefined || len > 63) return undefined; // no compression in questions
    offset += 1;
    if (len === 0) break;
    if (offset + len > msg.length) return undefined;
    labels.push(msg.subarray(offset, offset + len).toString('latin1'));
    offset += len;
  }
  if (offset + 4 > msg.length) return undefined;
  return {
    name: labels.join('.'),
    type: msg.readUInt16BE(offset),
    klass: msg.readUInt16BE(offset + 2),
    end: offset + 4,
  };
}

/**
 * answerQuery answers one DNS query from `lookup` (a fully qualified name without the trailing dot → IPv4), or
 * returns undefined for a message that is not a well-formed standard query with one question.
 */
export function answerQuery(msg: Buffer, lookup: (name: string) => string | undefined): Buffer | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  const isQuery = (flags & 0x8000) === 0 && ((flags >> 11) & 0xf) === 0;
  if (!isQuery || msg.readUInt16BE(4) !== 1) return undefined;
  const q = readQuestion(msg);
  if (!q) return undefined;
  const ip = lookup(q.name);
  // Known name: its A record (and an empty NOERROR answer to AAAA and the rest); unknown name: NXDOMAIN.
  const answers = ip && q.type === TYPE_A && q.klass === CLASS_IN ? [ip] : [];
  const rcode = ip ? 0 : 3;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(msg.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode, 2); // QR, AA, RD copied, RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map((a) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // the name of the question
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(TTL_SECONDS, 6);
    rr.writeUInt16BE(4, 10);
    a.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
    return rr;
  });
  return Buffer.concat([header, msg.subarray(12, q.end), ...records]);
}
