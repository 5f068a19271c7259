import {
  GitAuthError,
  GitBadSecretError,
  GitHostKeyError,
  GitOperationError,
  GitRefNotFoundError,
  GitTlsError,
  GitUnreachableError,
  type GitError,
} from './errors.ts';

// Patterns over git's (LANG=C) stderr, most specific first. Curl and OpenSSH wordings as shipped in Debian 12.
const RULES: [RegExp, (msg: string) => GitError, string][] = [
  [
    /Load key .*: (invalid format|error in libcrypto|incorrect passphrase|bad permissions)/u,
    (m) =>
      new GitBadSecretError(m, {
        hint: "the Secret's 'identity' is not a usable private key, or its 'password' does not decrypt it",
      }),
    'bad identity',
  ],
  [
    /Host key verification failed|No \S+ host key is known|REMOTE HOST IDENTIFICATION HAS CHANGED/u,
    (m) => new GitHostKeyError(m, { hint: 'add the server host key to the known_hosts key of the Secret' }),
    'host key',
  ],
  [
    /Permission denied \((publickey|password|keyboard-interactive)|Authentication failed|could not read (Username|Password)|The requested URL returned error: 40[13]|HTTP Basic: Access denied/u,
    (m) => new GitAuthError(m, { hint: 'check the credentials in the Secret referenced by spec.secretRef' }),
    'auth',
  ],
  [
    /SSL certificate problem|server certificate verification failed|SSL_ERROR|unable to get local issuer|certificate verify failed|gnutls_handshake|OpenSSL SSL_connect|schannel/u,
    (m) => new GitTlsError(m, { hint: 'set ca.crt in the Secret to the CA that signed the server certificate' }),
    'tls',
  ],
  [
    /Could not resolve host|Could not resolve hostname|Failed to connect to|Connection refused|Connection timed out|Network is unreachable|No route to host|Connection reset by peer|ssh: connect to host|Operation timed out|Proxy CONNECT aborted|Received HTTP code 407/u,
    (m) => new GitUnreachableError(m, { hint: 'check the URL, the proxy and that the server is reachable' }),
    'unreachable',
  ],
  [
    /couldn't find remote ref|Remote branch .* not found|not our ref|unadvertised object|repository '.*' not found|does not appear to be a git repository|The requested URL returned error: 404/u,
    (m) => new GitRefNotFoundError(m),
    'not found',
  ],
];

// Lines that say nothing a user can act on: OpenSSH's host-key banner, git's generic access-rights footer.
const NOISE = [
  /^hint:/u,
  /^Cloning into/u,
  /^warning: redirecting/u,
  /^@+$/u,
  /^@ +WARNING/u,
  /^IT IS POSSIBLE/u,
  /^Someone could be/u,
  /^It is also possible/u,
  /^Please contact your/u,
  /^Add correct host key/u,
  /^Offending .* key in/u,
  /^remove with:/u,
  /^ssh-keygen -f/u,
  /^fatal: Could not read from remote repository/u,
  /^Please make sure you have the correct access rights/u,
  /^and the repository exists/u,
  /^The fingerprint for the/u,
  /^error: unable to read askpass response/u,
];

// git asks for a username after a 401 even when it sent credentials; say what that means instead.
const REWRITES: [RegExp, string][] = [
  [
    /^fatal: could not read (Username|Password) for '([^']*)'.*$/u,
    'authentication required: $2 rejected the credentials (or none were given)',
  ],
];

/**
 * classifyGitFailure turns git's stderr into a typed error whose message starts with subject. stderr must
 * already be scrubbed of secrets.
 */
export function classifyGitFailure(subject: string, stderr: string): GitError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.some((re) => re.test(l)))
    .map((l) => REWRITES.reduce((acc, [re, to]) => acc.replace(re, to), l));
  const detail = lines.join('; ').slice(0, 1000);
  const message = `${subject}: ${detail === '' ? 'git failed without output' : detail}`;
  for (const [re, make] of RULES) if (re.test(stderr)) return make(message);
  return new GitOperationError(message);
}
